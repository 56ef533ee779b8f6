#!/usr/bin/env bash
# Builds the Containerfile with buildah and runs the image: `semclust --version`, then a small
# embed of generated JSONL with the built-in static model, as the image's non-root user, in a
# folder mounted from the host.
# - buildah's chroot isolation: crun cannot start a container in the CI sandbox (no
#   CAP_SYS_RESOURCE: "crun: setrlimit `RLIMIT_NPROC`: Operation not permitted", and "cgroups in
#   hybrid mode not supported"). On a normal machine `podman build` / `podman run` (or docker) do.
# - No container registry can be reached there, so the base image (Debian bookworm minbase plus
#   this host's Node 20 and npm, and its CA bundle) is made with mmdebstrap from Debian's apt
#   mirror, kept as localhost/semclust-base:bookworm-node20 and passed as --build-arg BASE.
#   SEMCLUST_CONTAINER_BASE=docker.io/library/node:20-bookworm-slim uses the Containerfile's own.
# Needs root, buildah, podman and mmdebstrap (apt-get install -y podman buildah mmdebstrap), and
# the npm registry. Prints each step and the image size; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'container: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)" >&2; }
image=localhost/semclust:ci
work=$(mktemp -d "${TMPDIR:-/tmp}/semclust-container.XXXXXX")
trap 'rm -rf "$work"' EXIT

base=${SEMCLUST_CONTAINER_BASE:-}
if [ -z "$base" ]; then
  base=localhost/semclust-base:bookworm-node20
  if ! podman image exists "$base"; then
    say "mmdebstrap bookworm minbase + $(node --version) from $(command -v node)"
    npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
    # libstdc++6 for node; ca-certificates for npm over https.
    mmdebstrap --variant=minbase --include=ca-certificates,libstdc++6 \
      --customize-hook="copy-in $(command -v node) /usr/local/bin" \
      --customize-hook="upload /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt" \
      --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\"" \
      --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules" \
      --customize-hook="chroot \"\$1\" ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm" \
      --customize-hook="chroot \"\$1\" ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx" \
      bookworm "$work/base.tar" http://deb.debian.org/debian
    # The base trusts what this host trusts (a proxy's CA in a CI sandbox): npm reads NODE_EXTRA_CA_CERTS.
    podman import --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" "$work/base.tar" "$base" >/dev/null
  fi
fi

say "buildah build --build-arg BASE=$base"
buildah build --isolation chroot --network host --build-arg BASE="$base" -t "$image" -f Containerfile .
podman image inspect "$image" --format 'container: image {{.Id}} {{.Size}} bytes' >&2
ctr=$(buildah from --pull=never "$image")
trap 'buildah rm "$ctr" >/dev/null; rm -rf "$work"' EXIT
# As the image's USER (buildah run does not apply it), in the folder mounted at /data.
in_image() { buildah run --isolation chroot --user 10001:10001 --workingdir /data -v "$data:/data" "$ctr" -- "$@"; }

say "semclust --version"
data="$work/data"
mkdir -p "$data"
in_image semclust --version

say "onnxruntime's native binding loads (hub and local ONNX models need it; the static model does not)"
# Bytes that are not a model: the error comes from ORT's native protobuf parser, so the binding loaded.
ort=$(in_image node -e "require('/opt/semclust/node_modules/onnxruntime-node').InferenceSession.create(new Uint8Array([1, 2, 3])).catch((e) => console.log(e.message))")
case $ort in *protobuf*) ;; *) echo "container: onnxruntime-node did not load: $ort" >&2; exit 1 ;; esac

say "a small embed as the image's user, OUTDIR on a mounted folder"
for i in $(seq 1 200); do printf '{"text":"record %d about topic %d and its words"}\n' "$i" $((i % 7)); done >"$data/in.jsonl"
chown -R 10001:10001 "$data"
in_image semclust embed in.jsonl out --quiet
rows=$(in_image semclust query out "SELECT count(*) AS n FROM rows" --format csv | tail -n 1 | tr -dc 0-9)
[ "$rows" = 200 ] || { echo "container: expected 200 rows, got '$rows'" >&2; exit 1; }
say "embedded 200 rows in the container"
