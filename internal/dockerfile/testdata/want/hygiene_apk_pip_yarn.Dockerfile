# Package caches left in image layers (apk, pip, yarn).
FROM python:3.12-alpine AS build
# pass: PAL-DF-128 PAL-DF-135
RUN apk add gcc && pip install -r requirements.txt
FROM python:3.12-alpine
COPY --from=build /wheels /wheels
# want: PAL-DF-128
RUN apk add curl
# want: PAL-DF-126
RUN apk update
# pass: PAL-DF-126
RUN apk update && apk add --no-cache git
# pass: PAL-DF-128
RUN apk add --no-cache curl
# pass: PAL-DF-128
RUN --mount=type=cache,target=/var/cache/apk apk add curl
# pass: PAL-DF-128
RUN apk add --no-network --virtual .run-deps so:libc.musl-x86_64.so.1
# pass: PAL-DF-128
RUN apk add jq && rm -rf /var/cache/apk/*
# want: PAL-DF-135
RUN pip install requests==2.32.3
# pass: PAL-DF-135
RUN pip install --no-cache-dir requests==2.32.3
# pass: PAL-DF-135
RUN PIP_NO_CACHE_DIR=1 python3 -m pip install flask==3.0.3
# want: PAL-DF-135
RUN python3 -m pip install flask==3.0.3
# pass: PAL-DF-135
RUN --mount=type=cache,target=/root/.cache/pip pip install uvicorn==0.30.1
# want: PAL-DF-136
RUN yarn install --frozen-lockfile
# pass: PAL-DF-136
RUN yarn install --frozen-lockfile && yarn cache clean
# pass: PAL-DF-136
RUN yarn --version && yarn build
ENV PIP_NO_CACHE_DIR=1
# pass: PAL-DF-135
RUN pip install gunicorn==22.0.0
