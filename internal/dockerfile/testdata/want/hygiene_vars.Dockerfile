# Variables: legacy ENV form, scope and self-references.
ARG VERSION=1.0
ARG NODE_VERSION=20
FROM alpine:3.20 AS app
# want: PAL-DF-109
ENV LEGACY value with spaces
# pass: PAL-DF-109 PAL-DF-151 PAL-DF-111
ENV MODERN=value OTHER=x
# want: PAL-DF-111
LABEL version=$VERSION
ARG VERSION
# pass: PAL-DF-111
LABEL version=$VERSION
# want: PAL-DF-111
WORKDIR /opt/$TARGETARCH
ARG TARGETARCH
# pass: PAL-DF-111
WORKDIR /opt/$TARGETARCH
# want: PAL-DF-111
WORKDIR /srv/$APP_HOME
ENV APP_HOME=/srv/app
# want: PAL-DF-111
WORKDIR $APP_HOEM
# pass: PAL-DF-111
ENV PATH=/opt/bin:$PATH
# pass: PAL-DF-111
WORKDIR $HOME
# want: PAL-DF-151
ENV A=1 B=$A
# want: PAL-DF-151
ENV APP_HOME=/x URL=http://example.com$APP_HOME
# pass: PAL-DF-151
ENV PATH=/x:$PATH
# pass: PAL-DF-111
RUN echo $NOT_CHECKED_IN_RUN
FROM scratch AS empty
# want: PAL-DF-111
WORKDIR /data/$SOMETHING
FROM node:${NODE_VERSION} AS node
# pass: PAL-DF-111
LABEL node.version=$NODE_VERSION
