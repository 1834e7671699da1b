#!/usr/bin/env bash
# Starts what Stackpilot and its tests talk to. Source it, then call the functions.
#   start_docker    dockerd, unless a daemon already answers (a stale pid file is cleared)
#   start_xvfb      a virtual display, when there is none; exports DISPLAY

start_docker() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "Docker is not running. Start it with: sudo systemctl start docker (or open Docker Desktop)" >&2
    return 1
  fi
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    echo "Removing stale /var/run/docker.pid"
    rm -f /var/run/docker.pid
  fi
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker 2>/dev/null || true
  fi
  if ! docker info >/dev/null 2>&1; then
    echo "Starting dockerd (log: /var/log/stackpilot-dockerd.log)"
    setsid dockerd >/var/log/stackpilot-dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "dockerd did not answer within 30 s; see /var/log/stackpilot-dockerd.log" >&2
  tail -n 20 /var/log/stackpilot-dockerd.log >&2 || true
  return 1
}

start_xvfb() {
  if [[ -n "${STACKPILOT_DISPLAY_STARTED:-}" ]]; then
    return 0
  fi
  local display=99
  while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do
    display=$((display + 1))
  done
  Xvfb ":$display" -screen 0 1280x860x24 -nolisten tcp >/tmp/stackpilot-xvfb.log 2>&1 &
  STACKPILOT_XVFB_PID=$!
  export DISPLAY=":$display" STACKPILOT_DISPLAY_STARTED=1 STACKPILOT_XVFB_PID
  for _ in $(seq 1 50); do
    [[ -e /tmp/.X11-unix/X$display ]] && return 0
    sleep 0.1
  done
  echo "Xvfb did not start; see /tmp/stackpilot-xvfb.log" >&2
  return 1
}
