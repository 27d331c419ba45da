#!/usr/bin/python3
# rtspsim.py - loopback RTSP cameras for the camera collector's tests, on GStreamer's gst-rtsp-server
# (Debian: python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-{base,good,bad,ugly}).
#
# usage: rtspsim.py USER PASS [WxH=640x360] [STALL_AFTER_MS=1000] [STALL_FOR_MS=1500]
#
# Two servers share the mounts, each on a port the kernel picks (no port race): one asks for digest
# authentication on /auth, the other for basic. The line "READY digest=PORT basic=PORT" on stdout
# says both listen. Every mount is H.264 constrained baseline, 25 fps, RTP over UDP or TCP-interleaved.
#   /cam1 /cam2 /cam3  moving test patterns, an IDR every 25 frames
#   /quick             like /cam1 with an IDR every 5 frames (a round of less than a second sees one)
#   /black             black frames              /frozen   one still picture forever
#   /stall             RTP pauses STALL_FOR_MS after every STALL_AFTER_MS (TCP stays open)
#   /auth              like /cam1, 401 without USER/PASS
#   /scene             the still reference scene; /moved is the same scene cut and shifted (a knocked
#                      camera), /blur blurred, /cast tinted orange, /occluded with a dark board over
#                      the left 60 %
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

args = sys.argv[1:] + [None] * 5
user, password = args[0] or "admin", args[1] or "admin123"
width, height = (args[2] or "640x360").split("x")
stall_after, stall_for = int(args[3] or 1000), int(args[4] or 1500)
Gst.init(None)

RAW = "video/x-raw,width=%s,height=%s,framerate=25/1" % (width, height)


def encode(gop):
    return ("videoconvert ! video/x-raw,format=I420 ! "
            "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=600 bframes=0 ! "
            "video/x-h264,profile=constrained-baseline ! valve name=gate drop=false ! "
            "rtph264pay name=pay0 pt=96 config-interval=1" % gop)


def simple(src, gop=25, filt=""):
    return "( videotestsrc is-live=true %s ! %s ! %s%s )" % (src, RAW, filt, encode(gop))


def overlay(colour, alpha, w, h):
    # compositor puts a solid board over the scene: a dark board is an occlusion, a translucent
    # orange one over the whole frame a colour cast
    return ("( compositor name=mix sink_1::alpha=%s ! %s ! %s "
            "videotestsrc is-live=true pattern=smpte ! %s ! mix. "
            "videotestsrc is-live=true pattern=solid-color foreground-color=%s ! "
            "video/x-raw,width=%d,height=%d,framerate=25/1 ! mix. )"
            % (alpha, RAW, encode(25), RAW, colour, w, h))


W, H = int(width), int(height)
MOUNTS = {
    "/cam1": simple("pattern=smpte horizontal-speed=2"),
    "/cam2": simple("pattern=ball"),
    "/cam3": simple("pattern=snow"),
    "/quick": simple("pattern=smpte horizontal-speed=2", gop=5),
    "/black": simple("pattern=black"),
    "/frozen": simple("pattern=smpte75"),
    "/stall": simple("pattern=ball"),
    "/auth": simple("pattern=smpte horizontal-speed=2"),
    "/scene": simple("pattern=smpte"),
    "/moved": simple("pattern=smpte", filt="videocrop left=%d top=%d ! videoscale ! %s ! "
                     % (W * 3 // 10, H // 5, RAW.replace(",framerate=25/1", ""))),
    "/blur": simple("pattern=smpte", filt="videoconvert ! video/x-raw,format=AYUV ! gaussianblur sigma=6 ! "),
    "/cast": overlay("0xffff8000", "0.4", W, H),
    "/occluded": overlay("0xff202020", "1.0", W * 6 // 10, H),
}


def on_stall_configure(factory, media):
    gate = media.get_element().get_by_name("gate")
    state = {"drop": False}

    def flip():
        state["drop"] = not state["drop"]
        gate.set_property("drop", state["drop"])
        GLib.timeout_add(stall_for if state["drop"] else stall_after, flip)
        return False

    GLib.timeout_add(stall_after, flip)


def allow(factory, role, construct):
    # access=true with construct=false makes the server answer 401 with a challenge, not 404
    factory.add_role_from_structure(Gst.Structure.from_string(
        "%s, media.factory.access=(boolean)true, media.factory.construct=(boolean)%s"
        % (role, "true" if construct else "false"))[0])


def make_factory(path, launch):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(launch)
    f.set_shared(path != "/stall")  # each /stall viewer gets its own pauses
    allow(f, "viewer", True)
    allow(f, "anonymous", path != "/auth")
    if path == "/stall":
        f.connect("media-configure", on_stall_configure)
    return f


def make_server(mode):
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    auth = GstRtspServer.RTSPAuth()
    viewer = GstRtspServer.RTSPToken()
    viewer.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if mode == "basic":
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), viewer)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    else:
        auth.add_digest(user, password, viewer)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    anon = GstRtspServer.RTSPToken()
    anon.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "anonymous")
    auth.set_default_token(anon)
    server.set_auth(auth)
    mounts = server.get_mount_points()
    for path, launch in MOUNTS.items():
        mounts.add_factory(path, make_factory(path, launch))
    if server.attach(None) == 0:
        sys.exit("rtspsim: cannot bind 127.0.0.1")
    return server


digest, basic = make_server("digest"), make_server("basic")
print("READY digest=%d basic=%d" % (digest.get_bound_port(), basic.get_bound_port()), flush=True)
GLib.MainLoop().run()
