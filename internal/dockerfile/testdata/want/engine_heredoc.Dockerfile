FROM debian:12-slim
# pass: PAL-DF-001
RUN echo ok
# want: PAL-DF-001
RUN <<EOF
