# Sourced by the benchmarks: `fixture_stacks PROJECT WEB_PORT` copies the fixture stacks
# into a new folder (its path in $work) whose healthy stack needs no keychain (the
# fixture's one secret becomes a plain variable), and makes sure the test image exists.
fixture_stacks() {
  work=$(mktemp -d)
  cp tests/fixtures/stacks/* "$work/"
  sed -i -e "s/project: fxstack/project: $1/" -e 's/secrets: \[APP_TOKEN\]/secrets: []/' -e '/^secrets:/,/^environments:/{/APP_TOKEN: { length/d}' "$work/stackpilot.yaml"
  sed -i 's/^secrets:$//' "$work/stackpilot.yaml"
  printf 'WEB_PORT=%s\nAPP_TOKEN=bench-value\n' "$2" > "$work/.env.healthy"
  docker image inspect stackpilot-test/busybox:1 >/dev/null 2>&1 || cargo test --quiet -p stackpilot-e2e --test it docker::runs_a_busybox >/dev/null
}
