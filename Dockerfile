# gitrail: Node 24 runs the TypeScript sources directly (type stripping); git is needed for
# repository maintenance and reads; tini reaps the git processes and forwards SIGTERM.
FROM node:24-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown node:node /data

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY examples ./examples
COPY gitrail.schema.json ./

USER node
ENV NODE_ENV=production \
    GITRAIL_DATA=/data \
    GITRAIL_LISTEN=0.0.0.0:8080 \
    HOME=/tmp
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/gitrail.js"]
CMD ["run"]
