# The Flotilla controller image: what `flotilla install` and `flotilla bootstrap git` run in the
# cluster (`flotilla controller ...`, see src/cli/commands/install.ts). Build and push it as
# docs/install.md describes; point `--image` at wherever it was pushed.
#
#   docker build -t REGISTRY/flotilla:v$(node -p 'require("./package.json").version') .
#
# Both stages run scripts that the test src/cli/image-steps.test.ts runs in a clean folder.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN sh scripts/image/pack.sh /out

FROM ${NODE_IMAGE}
# git is the one program Flotilla needs besides Node.js (ssh for git over SSH); the compiler
# builds better-sqlite3 where no prebuilt binary fits, and is removed afterwards.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git openssh-client ca-certificates python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /tmp/pack/
COPY scripts/image/install.sh /tmp/pack/install.sh
RUN sh /tmp/pack/install.sh /tmp/pack/flotilla-*.tgz /usr/local \
  && rm -rf /tmp/pack /root/.npm \
  && apt-get purge -y python3 make g++ && apt-get autoremove -y
# A numeric user, so that runAsNonRoot can be verified; HOME on the writable /tmp volume
# (the root filesystem is read-only in the Deployment).
USER 1000:1000
# MALLOC_MMAP_THRESHOLD_: glibc then returns freed buffers of 64 KiB and more to the system
# (docs/local-cluster.md, "Watch memory under load").
ENV HOME=/tmp NODE_ENV=production MALLOC_MMAP_THRESHOLD_=65536
EXPOSE 9090 9440
ENTRYPOINT ["flotilla"]
CMD ["controller"]
