# ADD versus COPY, archives, destinations.
FROM alpine:3.20
# want: PAL-DF-146
ADD app.conf /etc/app.conf
# pass: PAL-DF-146
ADD rootfs.tar.gz /
# pass: PAL-DF-146
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /tmp/tool.tgz
# want: PAL-DF-147
COPY vendor.tar.gz /tmp/vendor.tar.gz
# pass: PAL-DF-147
COPY other.tar.gz /opt/other.tar.gz
RUN tar -xzf /tmp/vendor.tar.gz -C /opt && rm /tmp/vendor.tar.gz
# want: PAL-DF-148
COPY a.txt b.txt /srv
# pass: PAL-DF-148
COPY a.txt b.txt /srv/
# want: PAL-DF-152
COPY config.yml conf/
WORKDIR /app
# pass: PAL-DF-152
COPY config.yml conf/
# pass: PAL-DF-148 PAL-DF-152
COPY a.txt b.txt ./
FROM scratch
# pass: PAL-DF-152
COPY --from=0 /bin/busybox bin/
