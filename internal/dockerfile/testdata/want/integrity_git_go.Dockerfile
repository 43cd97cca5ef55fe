# PAL-DF-036 (Git TLS) and PAL-DF-037 (Go module checks).
FROM golang:1.23-bookworm

# want: PAL-DF-036
ENV GIT_SSL_NO_VERIFY=true

# Git only checks that the variable exists.
# want: PAL-DF-036
ENV GIT_SSL_NO_VERIFY=0

# want: PAL-DF-036
RUN git config --global http.sslVerify false

# want: PAL-DF-036
RUN git -c http.sslverify=false clone https://git.example.com/app.git /src

# want: PAL-DF-036
RUN GIT_SSL_NO_VERIFY=1 git clone https://git.example.com/app.git /src

# want: PAL-DF-036
RUN printf '[http]\n\tsslVerify = false\n' >> /etc/gitconfig

# pass: PAL-DF-036
RUN git config --global http.sslVerify true

# pass: PAL-DF-036
ARG GIT_SSL_NO_VERIFY

# want: PAL-DF-037
ENV GOSUMDB=off

# want: PAL-DF-037
ENV GOINSECURE=git.example.com/*

# want: PAL-DF-037
RUN go env -w GOSUMDB=off

# want: PAL-DF-037
RUN GOFLAGS=-insecure go get git.example.com/lib

# pass: PAL-DF-037
ENV GOPRIVATE=git.example.com/* GONOSUMDB=git.example.com/*

# pass: PAL-DF-037
ENV GOSUMDB=sum.golang.org GOFLAGS=-mod=readonly

USER 10001
