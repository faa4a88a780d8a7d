# Sourced by demo.sh and test.sh. Meltano installs plugins with uv, which, unlike pip,
# reads no pip.conf: point it at the system CA bundle when the environment does not.
if [ -z "${SSL_CERT_FILE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi
export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
