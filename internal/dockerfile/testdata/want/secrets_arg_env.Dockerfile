# PAL-DF-082: secrets in ARG and ENV.
# want: PAL-DF-082
ARG GITHUB_TOKEN=ghp_IbCRA7PuLFQ2bZYSamKD6GsBGyWgDXoRlOPo
# pass: PAL-DF-082
ARG BASE_TAG=12-slim

FROM debian:${BASE_TAG}

# A token format under any name.
# want: PAL-DF-082
ENV UPLOAD_CONFIG=npm_jGsc0kwnl5XnHb3wtD3TjwDgwE6XLIkyyXEd

# want: PAL-DF-082
ENV API_KEY=Zk3d9Qw7LmN2pX8v

# A weak literal password is still a password baked into the image.
# want: PAL-DF-082
ENV POSTGRES_PASSWORD=postgres

# A build argument without a default: its value lands in the image history.
# want: PAL-DF-082
ARG NPM_TOKEN

# Copying a build argument into ENV stores it in the image configuration.
# want: PAL-DF-082
ENV NPM_TOKEN=${NPM_TOKEN}

# want: PAL-DF-082
ARG DB_PASSWORD
# want: PAL-DF-082
ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app

# Paths to mounted secrets, switches and identifiers are not secrets.
# pass: PAL-DF-082
ENV PASSWORD_FILE=/run/secrets/db
# pass: PAL-DF-082
ENV DB_PASSWORD_PATH=/run/secrets/db_password MYSQL_ALLOW_EMPTY_PASSWORD=yes
# pass: PAL-DF-082
ENV AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws TOKEN_TTL=3600
# pass: PAL-DF-082
ENV APP_TOKEN=

# An ARG declared for a secret that a secret mount provides.
# pass: PAL-DF-082
ARG REGISTRY_TOKEN
RUN --mount=type=secret,id=registry_token,env=REGISTRY_TOKEN \
    curl -fsS -o /dev/null -H "Authorization: Bearer ${REGISTRY_TOKEN}" https://registry.acme-corp.io/v2/

USER 10001
