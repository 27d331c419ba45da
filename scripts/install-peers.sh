#!/usr/bin/env bash
# install-peers.sh — installs the real third-party peers the tests run against:
# node_exporter, VictoriaMetrics, net-snmp (snmpd, snmptrap), rsyslog and logger, Alertmanager, promtool, Chromium (+ CJK fonts),
# GStreamer RTSP server, ffmpeg, pymodbus, libvirtd from Debian, VictoriaLogs (the Loki-protocol
# receiver) with `go install`. Needs root for apt (or sudo). Idempotent: a peer
# that is already there is not touched. Tests FAIL, never skip, without them.
set -euo pipefail

VICTORIA_LOGS=github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1

apt_pkgs=()
[ -x /usr/bin/prometheus-node-exporter ] || apt_pkgs+=(prometheus-node-exporter)
[ -x /usr/bin/victoria-metrics ] || apt_pkgs+=(victoria-metrics)
[ -x /usr/sbin/snmpd ] || apt_pkgs+=(snmpd)
[ -x /usr/bin/snmptrap ] || apt_pkgs+=(snmp)
[ -x /usr/bin/prometheus-alertmanager ] || apt_pkgs+=(prometheus-alertmanager)
# promtool (shipped in Debian's prometheus package): the rule packs' unit files must pass `promtool test rules`.
[ -x /usr/bin/promtool ] || apt_pkgs+=(prometheus)
command -v ip >/dev/null || apt_pkgs+=(iproute2)
command -v python3 >/dev/null || apt_pkgs+=(python3-minimal)
command -v curl >/dev/null || apt_pkgs+=(curl)
# The video wall's end-to-end tests drive headless Chromium; CJK fonts so the screenshots show Chinese.
[ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || apt_pkgs+=(fonts-noto-cjk)
# The monthly report's PDF test converts pages to PNG and extracts its text and fonts.
[ -x /usr/bin/pdftoppm ] || apt_pkgs+=(poppler-utils)
# Swan Lake: GStreamer's RTSP server is the real camera peer (gst-rtsp-server through python3-gi;
# x264enc is in -ugly, gaussianblur in -bad); ffmpeg decodes the VQD keyframe and makes the labelled clips;
# pymodbus is the independent Modbus TCP server.
/usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0")' 2>/dev/null ||
  apt_pkgs+=(python3-gi gir1.2-gst-rtsp-server-1.0 gir1.2-gst-plugins-base-1.0)
command -v gst-inspect-1.0 >/dev/null || apt_pkgs+=(gstreamer1.0-tools)
for p in base good bad ugly; do
  dpkg -s "gstreamer1.0-plugins-$p" >/dev/null 2>&1 || apt_pkgs+=("gstreamer1.0-plugins-$p")
done
[ -x /usr/bin/ffmpeg ] || apt_pkgs+=(ffmpeg)
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || apt_pkgs+=(python3-pymodbus)
# pymodbus 3.0's server imports serial_asyncio, which Debian only recommends.
/usr/bin/python3 -c 'import serial_asyncio' 2>/dev/null || apt_pkgs+=(python3-serial-asyncio)
# sipp answers SIP OPTIONS as the broadcast terminals' independent peer.
[ -x /usr/bin/sipp ] || apt_pkgs+=(sip-tester)
# The cloud: libvirtd with its built-in test driver is the KVM hypervisor peer (run as nobody in
# session mode by the tests, never as the system daemon).
[ -x /usr/sbin/libvirtd ] || apt_pkgs+=(libvirt-daemon)
[ -x /usr/bin/virsh ] || apt_pkgs+=(libvirt-clients)
# Logs: rsyslogd (run in the foreground by the tests, with its own config and ports) forwards over
# UDP/TCP/TLS (gtls and ossl drivers) to the syslog receiver; `logger` (bsdutils) sends RFC 3164/5424.
[ -x /usr/sbin/rsyslogd ] || apt_pkgs+=(rsyslog)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] || dpkg -s rsyslog-gnutls >/dev/null 2>&1 || apt_pkgs+=(rsyslog-gnutls)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ] || dpkg -s rsyslog-openssl >/dev/null 2>&1 || apt_pkgs+=(rsyslog-openssl)
command -v logger >/dev/null || apt_pkgs+=(bsdutils)
command -v openssl >/dev/null || apt_pkgs+=(openssl)

if [ ${#apt_pkgs[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  guard=""
  # Keep package scripts from starting system-wide daemons on their default ports.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d; guard=1
  fi
  apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends"
  $apt "${apt_pkgs[@]}" || { $sudo apt-get -o DPkg::Lock::Timeout=300 update && $apt "${apt_pkgs[@]}"; }
  [ -z "$guard" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi

gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
[ -x "$gobin/victoria-logs" ] || go install "$VICTORIA_LOGS"
echo "peers installed: node_exporter $(/usr/bin/prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}'), victoria-metrics, victoria-logs ($gobin)"
