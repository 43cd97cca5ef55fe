# PAL-DF-035: npm, Yarn, pnpm and Node.js TLS bypasses.
FROM node:20-slim

# want: PAL-DF-035
RUN npm config set strict-ssl false

# want: PAL-DF-035
RUN yarn config set strict-ssl false

# want: PAL-DF-035
RUN npm ci --strict-ssl=false

# want: PAL-DF-035
RUN npm config set registry http://registry.example.com/

# want: PAL-DF-035
ENV NODE_TLS_REJECT_UNAUTHORIZED=0

# want: PAL-DF-035
ARG npm_config_strict_ssl=false

# want: PAL-DF-035
RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci

# want: PAL-DF-035
RUN NODE_TLS_REJECT_UNAUTHORIZED='0' npm ci

# want: PAL-DF-035
RUN echo "strict-ssl=false" >> /root/.npmrc

# want: PAL-DF-035
RUN yarn config set enableStrictSsl false

# pass: PAL-DF-035
RUN npm config set strict-ssl true

# pass: PAL-DF-035
ENV NODE_TLS_REJECT_UNAUTHORIZED=1

# pass: PAL-DF-035
RUN npm ci --registry=https://registry.npmjs.org/

USER 10001
