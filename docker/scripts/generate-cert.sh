#!/usr/bin/env bash
# A local certificate authority and a server certificate signed by it, for local use and tests.
# Real deployments mount real certificates instead (see docs/deployment.md).
#
#   docker/scripts/generate-cert.sh [OUT_DIR] [NAME ...]
#
# OUT_DIR defaults to docker/certs. NAMEs (DNS names or IP addresses) go into the certificate's
# subjectAltName; the default is localhost, 127.0.0.1 and ::1. Writes:
#   ca.pem        the local CA (import it into a browser or pass it to clients to trust the server)
#   cert.pem      the server certificate (nginx's ssl_certificate)
#   key.pem       the server's private key (nginx's ssl_certificate_key), mode 0600
# The CA's own key is discarded, so this CA can never sign anything else.
set -euo pipefail

out="${1:-$(dirname "$0")/../certs}"
shift || true
names=("$@")
if ((${#names[@]} == 0)); then names=(localhost 127.0.0.1 ::1); fi
days="${CERT_DAYS:-365}"

command -v openssl >/dev/null || { echo "generate-cert: openssl is required (apt-get install openssl)" >&2; exit 1; }

san=""
for name in "${names[@]}"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san+="IP:${name},"; else san+="DNS:${name},"; fi
done
san="${san%,}"

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

# ECDSA P-256: fast to generate, accepted by every TLS 1.2+ client, usable with Mozilla's
# "intermediate" ECDHE-ECDSA suites.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/ca.key" -out "$work/ca.pem" -days "$days" -sha256 \
  -subj "/CN=CipherNest local CA $(date -u +%Y%m%dT%H%M%SZ)" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/key.pem" -out "$work/server.csr" -subj "/CN=${names[0]}" 2>/dev/null

cat >"$work/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=${san}
EXT

openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -out "$work/server.pem" -days "$days" -sha256 -extfile "$work/server.ext" 2>/dev/null

cp "$work/server.pem" "$out/cert.pem"
cp "$work/ca.pem" "$out/ca.pem"
cp "$work/key.pem" "$out/key.pem"
chmod 0644 "$out/cert.pem" "$out/ca.pem"
chmod 0600 "$out/key.pem"
echo "generate-cert: wrote $out/{ca.pem,cert.pem,key.pem} for ${san} (valid ${days} days)"
