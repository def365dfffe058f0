# keel's image: Bun, production dependencies only, a non-root user, state on a
# volume. Built and pushed by .github/workflows/ci.yml and deploy.yml (no
# Docker engine runs where keel is developed; .ci/run lints this file).

FROM oven/bun:1.4 AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# bun reads package-lock.json; it never runs onnxruntime-node's CUDA download script.
RUN bun install --production --ignore-scripts

FROM oven/bun:1.4-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    KEEL_HOME=/var/lib/keel
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY data ./data
RUN mkdir -p /var/lib/keel && chown bun:bun /var/lib/keel
USER bun
VOLUME ["/var/lib/keel"]
EXPOSE 3000
# The slim image has no curl: Bun itself asks /ready. Ten tries 15 s apart leave a
# first start time to train (dockerfilelint 1.8 misreads --start-period).
HEALTHCHECK --interval=15s --timeout=5s --retries=10 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "src/cli.ts", "serve"]
