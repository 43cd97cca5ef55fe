# Version pins (optional rules, enabled in hygiene_pins.palisade.yaml).
FROM debian:12-slim
# want: PAL-DF-137
RUN apt-get install -y --no-install-recommends curl
# pass: PAL-DF-137
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 ./local.deb
# want: PAL-DF-138
RUN pip install --no-cache-dir requests
# pass: PAL-DF-138
RUN pip install --no-cache-dir requests==2.32.3 "flask>=3" -r requirements.txt .
# want: PAL-DF-139
RUN npm install -g typescript
# pass: PAL-DF-139
RUN npm install -g typescript@5.4.5 @angular/cli@17.3.0 && npm ci
# want: PAL-DF-140
RUN apk add --no-cache curl
# pass: PAL-DF-140
RUN apk add --no-cache --virtual .deps curl=8.5.0-r0
# want: PAL-DF-141
RUN gem install rails
# pass: PAL-DF-141
RUN gem install rails:7.1.3 && gem install bundler -v 2.5.6
# want: PAL-DF-142
RUN yum install -y httpd
# pass: PAL-DF-142
RUN yum install -y httpd-2.4.57-5.el9
# want: PAL-DF-143
RUN zypper install -y curl
# pass: PAL-DF-143
RUN zypper install -y curl=8.0.1
# want: PAL-DF-144
RUN dnf install -y nginx java-17-openjdk
# pass: PAL-DF-144
RUN dnf install -y nginx-1.24.0-1.el9 java-17-openjdk-17.0.9.0.9-1.el9
# want: PAL-DF-145
RUN go install golang.org/x/tools/gopls@latest
# pass: PAL-DF-145
RUN go install golang.org/x/tools/gopls@v0.15.3 && go install ./cmd/app
