# istio-proxy image: pilot-agent (Node.js) as PID 1 supervising envoy. No init wrapper: the agent
# reaps zombies and handles signals itself.

# Build: compile the agent only, then drop dev dependencies. The stub envoy (tools/) is test tooling and
# never enters the image, so `npm ci` skips scripts: `prepare` would build the stub too, and no dependency
# needs its install script (koffi's binaries are prebuilt; the test suite runs with it skipped).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /src
# Packages first, in a layer of their own: a source change rebuilds from the COPY of src, not the install.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY bootstrap-templates ./bootstrap-templates
COPY scripts/bundle-agent.mjs ./scripts/
# tsc, then esbuild bundles its output into dist/bundle/, which bin/pilot-agent loads (a faster start).
RUN npx tsc -p tsconfig.build.json && cp src/ca/istioca.proto dist/ca/ && node scripts/bundle-agent.mjs && npm prune --omit=dev

# Envoy comes from the official image, pinned.
FROM envoyproxy/envoy:v1.40.0 AS envoy

FROM node:24.21.0-bookworm-slim
# procps: `ps` for debugging in the container (the agent walks /proc itself); iptables and iproute2: istio-iptables in istio-init.
RUN apt-get update \
 && apt-get install -y --no-install-recommends procps iptables iproute2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1337 --user-group --create-home istio-proxy
COPY --from=envoy /usr/local/bin/envoy /usr/local/bin/envoy
WORKDIR /usr/local/lib/pilot-agent
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/bootstrap-templates ./bootstrap-templates
# istio-iptables is the init container's command (the same image runs istio-init).
RUN ln -s /usr/local/lib/pilot-agent/bin/pilot-agent /usr/local/bin/pilot-agent \
 && ln -s /usr/local/lib/pilot-agent/bin/istio-iptables /usr/local/bin/istio-iptables \
 && mkdir -p /etc/istio/proxy && chown istio-proxy:istio-proxy /etc/istio/proxy
# The Istio version istiod sees in the node metadata, as Istio's proxyv2 image sets it (= istioVersion in src/version.ts).
ENV ISTIO_META_ISTIO_VERSION=1.5.10
WORKDIR /
ENTRYPOINT ["/usr/local/bin/pilot-agent"]
