# PAL-DF-083: credentials on RUN command lines or written into the image.
FROM debian:12-slim
# want: PAL-DF-082
ARG REGISTRY_PASSWORD

# want: PAL-DF-083
RUN aws configure set aws_secret_access_key 2O76UMFxFkM/R5Kjp1vRt+1fjORS/6ilI8ihN5KX

# want: PAL-DF-083
RUN docker login -u ci -p s3cr3t-Pa55 registry.acme-corp.io

# want: PAL-DF-083
RUN echo "s3cr3t-Pa55" | docker login -u ci --password-stdin registry.acme-corp.io

# From a build argument: recorded in the history too.
# want: PAL-DF-083
RUN docker login -u ci --password "$REGISTRY_PASSWORD" registry.acme-corp.io

# want: PAL-DF-083
RUN npm config set //registry.npmjs.org/:_authToken npm_jGsc0kwnl5XnHb3wtD3TjwDgwE6XLIkyyXEd

# want: PAL-DF-083
RUN echo "//registry.npmjs.org/:_authToken=npm_jGsc0kwnl5XnHb3wtD3TjwDgwE6XLIkyyXEd" > /root/.npmrc

# want: PAL-DF-083
RUN git clone https://x-access-token:ghp_IbCRA7PuLFQ2bZYSamKD6GsBGyWgDXoRlOPo@github.com/acme/app.git /src

# want: PAL-DF-083
RUN pip install --no-cache-dir --index-url https://deploy:Zk3d9Qw7LmN2pX8v@pypi.acme-corp.io/simple app==1.0

# want: PAL-DF-083
RUN curl -fsS -u ci:Zk3d9Qw7LmN2pX8v -o /tmp/app.tgz https://files.acme-corp.io/app.tgz

# want: PAL-DF-083
RUN curl -fsS -H "Authorization: Bearer Zk3d9Qw7LmN2pX8v" -o /tmp/app.json https://api.acme-corp.io/app

# want: PAL-DF-083
RUN gem sources --add https://deploy:Zk3d9Qw7LmN2pX8v@gems.acme-corp.io/

# want: PAL-DF-083
RUN bundle config set --global gems.acme-corp.io deploy:Zk3d9Qw7LmN2pX8v

# want: PAL-DF-083
RUN composer config --global http-basic.repo.acme-corp.io deploy Zk3d9Qw7LmN2pX8v

# want: PAL-DF-083
RUN gh auth login --with-token <<< "ghp_IbCRA7PuLFQ2bZYSamKD6GsBGyWgDXoRlOPo"

# want: PAL-DF-083
RUN kubectl config set-credentials ci --token=Zk3d9Qw7LmN2pX8v

# want: PAL-DF-083
RUN export GITHUB_TOKEN=ghp_IbCRA7PuLFQ2bZYSamKD6GsBGyWgDXoRlOPo && make release

# want: PAL-DF-083
RUN echo 'root:Zk3d9Qw7LmN2pX8v' | chpasswd

# want: PAL-DF-083
COPY <<EOF /root/.npmrc
//registry.npmjs.org/:_authToken=npm_jGsc0kwnl5XnHb3wtD3TjwDgwE6XLIkyyXEd
EOF

# Read from a secret mount: the fix.
# pass: PAL-DF-083
RUN --mount=type=secret,id=registry_password \
    docker login -u ci --password-stdin registry.acme-corp.io < /run/secrets/registry_password

# pass: PAL-DF-083
RUN --mount=type=secret,id=aws \
    aws configure set aws_secret_access_key "$(cat /run/secrets/aws)"

# pass: PAL-DF-083
RUN --mount=type=secret,id=registry_password,env=REGISTRY_PASSWORD \
    docker login -u ci --password "$REGISTRY_PASSWORD" registry.acme-corp.io

# pass: PAL-DF-083
RUN --mount=type=secret,id=npm,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc && npm ci && rm -f /root/.npmrc

# A placeholder that npm expands at run time from its environment.
# pass: PAL-DF-083
RUN echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > /root/.npmrc

# pass: PAL-DF-083
RUN curl -fsSL -o /tmp/app.tgz https://files.acme-corp.io/app.tgz && git clone https://github.com/acme/app.git /src

USER 10001
