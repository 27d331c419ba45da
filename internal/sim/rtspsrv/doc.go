// Package rtspsrv is a small RTSP 1.0 server (RFC 2326) that serves H.264
// clips in a loop at real time, so that the simulated park's cameras speak
// the protocol a camera collector meets in the field: OPTIONS, DESCRIBE (an
// SDP with sprop-parameter-sets and profile-level-id), SETUP, PLAY,
// GET_PARAMETER and TEARDOWN, with RTP packetised per RFC 6184 (single NAL
// unit packets and FU-A fragments, 90 kHz timestamps, the marker bit on the
// last packet of each picture) and an RTCP sender report every few seconds.
//
// Transport: RTP/AVP/TCP interleaved only, which is what deepch/vdk's rtspv2
// client sends and what `ffmpeg -rtsp_transport tcp` asks for. A SETUP that
// offers only UDP gets 461 Unsupported Transport: UDP ports per session would
// cost the simulator sockets for nothing the collector measures.
//
// Authentication per path: none, Basic, or Digest (RFC 2617 without qop, as
// IP cameras and vdk's client do it; a client that answers with qop=auth is
// accepted too). A request without valid credentials gets 401 with the
// challenge. OPTIONS never needs credentials, as on real cameras.
//
// Faults per path, at run time: switch the clip (a clean view to the same
// view turned aside; the switch waits for the new clip's next keyframe so
// that decoders see no broken picture), stall (RTP stops, the TCP connection
// and RTSP answers go on) and close (the path's sessions are dropped and new
// requests for it are cut off with a reset, as a crashed camera service does).
//
// Cost: clips are cut into RTP payloads once, at load. Every path has one
// timeline, a pure function of the wall clock and the path's phase, so all
// sessions of a camera show the same picture at the same instant and the
// simulator's snapshot endpoint can show that picture too (Server.Showing).
// A session starts at the timeline's next keyframe (at most one GOP after
// PLAY), as cameras do, so a decoder never sees a picture it cannot decode.
// A playing session costs one timer wake-up and one write per frame.
//
// Why our own server: no maintained Go RTSP server is available here.
// bluenviron/gortsplib (the usual choice, MIT) is not on the module proxy
// this project builds from, and deepch/vdk v0.0.27's rtspv2/server.go is
// unfinished (its Conn methods are empty stubs). GStreamer's gst-rtsp-server
// is the independent peer the camera collector's tests run against; it is a
// process with Python bindings, not something `swanwatch demo` can embed.
package rtspsrv
