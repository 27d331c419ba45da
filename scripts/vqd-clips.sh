#!/usr/bin/env bash
# vqd-clips.sh — makes one labelled camera clip of a synthetic park scene with one video fault, for the
# VQD accuracy test (internal/vqd) and the demo's simulated cameras. Only ffmpeg is needed (Debian's
# ffmpeg 5.1; scripts/install-peers.sh installs it). Output is deterministic for the same arguments.
#
# Usage: scripts/vqd-clips.sh SCENE FAULT SEVERITY OUTFILE [SECONDS] [WxH]
#   SCENE     lake-day lake-night plaza-day plaza-night path-day path-night
#             (day: colour; night: an infrared camera's picture, greyscale, lit from the camera, noisy)
#   FAULT     clean, or a fault id of docs/swanlake.md: signal_loss black_screen white_screen blue_screen
#             frozen too_dark too_bright low_contrast blur occlusion color_cast noise stripes
#             scene_change shake
#   SEVERITY  mild or strong (ignored for clean); docs/vqd.md lists what each one is
#   OUTFILE   x.h264  raw H.264 Annex-B, constrained baseline, 25 fps, IDR every 25 frames, SPS/PPS
#                     repeated before every IDR (loopable), plus JPEG snapshots x-01.jpg, x-02.jpg …
#             x.mp4   the same stream in MP4, plus the snapshots
#             x.jpg   only the snapshots x-01.jpg …; x.png: only PNG snapshots x-01.png …
#   SECONDS   clip length, default 4; WxH default 640x360
# Environment:
#   SEED=n        scene variant (layout phases, texture and noise seeds), default 1. The accuracy test
#                 tunes on SEED=1 and checks a hold-out seed as well.
#   SNAP_FPS=r    snapshots per second, default 1 (the first at t=0)
#   VQD_CACHE=dir where rendered scene backgrounds are kept (default: OUTFILE's directory)
#   CRF=n         x264 quality for .h264/.mp4, default 30 (a 640x360 4 s clip is then ≈ 0.3 MB)
#
# The picture goes through the stages a real camera has, so each fault enters where it does in life:
# scene (rendered once, larger than the view) → view crop (scene_change, shake) → moving swans and a
# walker → optics (blur, occlusion, exposure: too_dark, too_bright, low_contrast as fog) → sensor noise
# → white balance (color_cast) → OSD clock → transmission (stripes, snow noise, frozen, screens).
set -euo pipefail

usage() { sed -n '2,28p' "$0" >&2; exit 2; }
[ $# -ge 4 ] || usage
scene=$1 fault=$2 sev=$3 out=$4 secs=${5:-4} size=${6:-640x360}
seed=${SEED:-1} snapfps=${SNAP_FPS:-1}
W=${size%x*} H=${size#*x}
[[ $W =~ ^[0-9]+$ && $H =~ ^[0-9]+$ && $W -ge 64 && $H -ge 64 ]] || { echo "vqd-clips: bad size $size (want WxH, ≥ 64x64)" >&2; exit 2; }
W=$((W / 2 * 2)) H=$((H / 2 * 2))
[[ $secs =~ ^[0-9]+$ && $secs -ge 1 ]] || { echo "vqd-clips: bad length $secs (whole seconds ≥ 1)" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "vqd-clips: SEED must be a number" >&2; exit 2; }
case $sev in mild | strong) ;; *) [ "$fault" = clean ] || { echo "vqd-clips: severity must be mild or strong" >&2; exit 2; } ;; esac
case $fault in
clean | signal_loss | black_screen | white_screen | blue_screen | frozen | too_dark | too_bright | low_contrast | \
	blur | occlusion | color_cast | noise | stripes | scene_change | shake) ;;
*) echo "vqd-clips: unknown fault $fault" >&2 && usage ;;
esac
case ${out##*.} in h264 | 264 | mp4 | jpg | jpeg | png) ;; *) echo "vqd-clips: OUTFILE must end in .h264, .mp4, .jpg or .png" >&2 && exit 2 ;; esac
layout=${scene%-*} tod=${scene##*-}
case $layout in lake | plaza | path) ;; *) echo "vqd-clips: unknown scene $scene" >&2; usage ;; esac
case $tod in day | night) ;; *) echo "vqd-clips: unknown scene $scene" >&2; usage ;; esac
FF=${FFMPEG:-ffmpeg}
command -v "$FF" >/dev/null || { echo "vqd-clips: ffmpeg not found: install it (scripts/install-peers.sh, apt-get install ffmpeg)" >&2; exit 1; }

ext=${out##*.} base=${out%.*}
cache=${VQD_CACHE:-$(dirname "$out")}
mkdir -p "$cache"
# The scene is rendered 30 % larger than the view so a turned or shaking camera sees real scene content.
SW=$(((W * 13 / 10) / 2 * 2)) SH=$(((H * 13 / 10) / 2 * 2))
bg=$cache/.vqd-scene-$scene-s$seed-${SW}x$SH.png

# Phases in [0, 6.28) derived from the seed, so each seed moves shorelines, paths and trees; Q1 places
# the lake's tree.
read -r P1 P2 P3 P4 Q1 < <(awk -v s="$seed" 'BEGIN{
	for (k = 1; k <= 4; k++) { srand(s*97+k); printf "%.3f ", rand()*6.283 }
	srand(s*31+5); printf "%.3f\n", 0.1+rand()*0.15 }')

# Scene expressions for geq on a gbrp frame whose planes hold three noise textures: r() coarse blobs,
# g() medium foliage, b() fine grain. Each expression stores the region in st(0), 0..6, and the
# normalised coordinates; the colour (or the infrared grey) is picked per region.
common="st(1,X/W);st(2,Y/H);st(3,(r(X,Y)-128)/40);st(4,(g(X,Y)-128)/40);st(5,(b(X,Y)-128)/40);"
case $layout in
lake)
	# 0 sky, 1 far trees, 2 water, 3 path, 4 grass, 5 trunk, 6 railing post
	region="st(6,0.3+0.04*sin(ld(1)*9+$P1)+0.05*ld(3));\
st(7,0.74+0.05*sin(ld(1)*4+$P3));\
st(0,if(lt(ld(2),ld(6)),0,if(lt(ld(2),0.45+0.01*sin(ld(1)*5+$P2)),1,if(lt(ld(2),ld(7)),2,if(lt(ld(2),ld(7)+0.07),3,4)))));\
st(0,if(lt(hypot((ld(1)-$Q1)*1.6,ld(2)-0.45),0.13+0.02*ld(4)),1,ld(0)));\
st(0,if(lt(abs(ld(1)-$Q1),0.012)*gt(ld(2),0.5),5,ld(0)));\
st(0,if(lt(mod(ld(1)+0.3*sin(ld(1)*3),0.11),0.006)*between(ld(2),ld(7)-0.07,ld(7))*gt(ld(1),0.35),6,ld(0)));"
	;;
plaza)
	# 0 sky, 1 trees, 2 paving, 3 flower bed, 4 lawn, 5 pavilion roof, 6 pillars/benches
	region="st(6,0.22+0.02*sin(ld(1)*6+$P1));\
st(0,if(lt(ld(2),ld(6)),0,if(lt(ld(2),0.5),1,if(lt(ld(2),0.62+0.04*sin(ld(1)*3+$P2)),4,2))));\
st(0,if(lt(ld(1),0.2+0.06*sin(ld(2)*5+$P3)+0.04*ld(3))+gt(ld(1),0.82+0.05*sin(ld(2)*4+$P4)+0.04*ld(3)),if(lt(ld(2),0.8),1,ld(0)),ld(0)));\
st(0,if(lt(hypot((ld(1)-0.62)*0.6,ld(2)-0.8),0.07+0.01*ld(4)),3,ld(0)));\
st(0,if(between(ld(2),0.2,0.3)*lt(abs(ld(1)-0.5),0.08+1.2*(ld(2)-0.2)),5,ld(0)));\
st(0,if(between(ld(2),0.3,0.52)*(lt(abs(ld(1)-0.43),0.012)+lt(abs(ld(1)-0.57),0.012)),6,ld(0)));\
st(0,if(between(ld(2),0.68,0.71)*between(ld(1),0.3,0.42),6,ld(0)));"
	;;
path)
	# 0 sky, 1 trees, 2 (unused), 3 path, 4 grass, 5 trunk, 6 bench
	region="st(6,0.15+0.05*sin(ld(1)*5+$P1)+0.06*ld(3));\
st(0,if(lt(ld(2),ld(6)),0,if(lt(ld(2),0.42+0.03*sin(ld(1)*7+$P2)),1,4)));\
st(0,if(gt(ld(2),0.42)*lt(abs(ld(1)-0.5-0.05*sin(ld(2)*4+$P3)),0.03+0.4*(ld(2)-0.42)),3,ld(0)));\
st(0,if(lt(abs(ld(1)-0.18),0.015+0.03*(ld(2)-0.3))*gt(ld(2),0.3)+lt(abs(ld(1)-0.86),0.012+0.03*(ld(2)-0.3))*gt(ld(2),0.35),5,ld(0)));\
st(0,if(between(ld(2),0.62,0.66)*between(ld(1),0.7,0.8),6,ld(0)));"
	;;
esac

# Region colours, seven per channel (sky, trees, water/paving, path/flowers, grass, trunk/roof,
# post/pillar/bench); day in colour, night as the infrared grey (foliage bright, sky and water dark).
T="(22*ld(4)+14*ld(5))"
RIP="sin(Y*0.45+8*ld(3)+3*ld(4))"
if [ "$tod" = day ]; then
	R=("120+70*ld(2)/ld(6)+12*ld(3)" "45+0.6*$T" "70+12*$RIP+6*ld(5)" "178+30*ld(5)+10*ld(4)" "78+40*ld(4)+30*ld(5)" "72+15*ld(5)" "52+8*ld(5)")
	G=("160+50*ld(2)/ld(6)+10*ld(3)" "78+$T" "102+12*$RIP+6*ld(5)" "162+30*ld(5)+10*ld(4)" "128+40*ld(4)+30*ld(5)" "52+12*ld(5)" "48+8*ld(5)")
	B=("215+25*ld(2)/ld(6)+6*ld(3)" "38+0.5*$T" "128+10*$RIP+6*ld(5)" "132+28*ld(5)+10*ld(4)" "52+25*ld(4)+20*ld(5)" "36+10*ld(5)" "44+8*ld(5)")
	if [ "$layout" = plaza ]; then
		J="70*lt(abs(ld(4)),0.05)" # the joints of crazy paving
		R[2]="150+18*ld(5)-$J" G[2]="146+18*ld(5)-$J" B[2]="140+18*ld(5)-$J"
		R[3]="200+50*gt(ld(5),0)" G[3]="60+150*gt(ld(5),0.5)" B[3]="50+20*ld(4)"
		R[5]="150+20*ld(5)" G[5]="45+10*ld(5)" B[5]="35+10*ld(5)"
	fi
else
	R=("10+4*ld(3)" "100+$T" "24+8*$RIP+4*ld(5)" "125+25*ld(5)+8*ld(4)" "112+35*ld(4)+28*ld(5)" "55+12*ld(5)" "45+8*ld(5)")
	if [ "$layout" = plaza ]; then
		R[2]="105+15*ld(5)-50*lt(abs(ld(4)),0.05)" R[3]="120+60*gt(ld(5),0)" R[5]="70+15*ld(5)"
	fi
fi
nest() { # nest NAME: "if(eq(ld(0),0),v0,if(…,v6))" over the array NAME
	local -n a=$1
	local e=${a[6]} i
	for i in 5 4 3 2 1 0; do e="if(eq(ld(0),$i),${a[$i]},$e)"; done
	echo "$e"
}
render_scene() {
	local tex g
	tex() { echo "color=c=gray:s=$((SW / $1))x$((SH / $1)):d=1,format=gray,noise=alls=100:all_seed=$2,scale=${SW}x${SH}:flags=bicubic,setsar=1,gblur=sigma=$3"; }
	if [ "$tod" = day ]; then
		g="geq=r='$common$region clip($(nest R),0,255)':g='$common$region clip($(nest G),0,255)':b='$common$region clip($(nest B),0,255)'"
	else
		# the camera's IR lamp lights the middle foreground most
		local lit="(1.25-1.6*(pow(ld(1)-0.5,2)+pow(ld(2)-0.75,2)))"
		local l="$common$region clip(($(nest R))*max(0.3,$lit),0,255)"
		g="geq=r='$l':g='$l':b='$l',gblur=sigma=0.7"
	fi
	graphfile=$cache/.vqd-graph-$$.txt
	trap 'rm -f "${graphfile:-}"' EXIT
	cat >"$graphfile" <<GRAPH
$(tex 24 $((seed * 7 + 1)) 2)[c];
$(tex 6 $((seed * 7 + 2)) 1)[m];
$(tex 1 $((seed * 7 + 3)) 0.6)[f];
[m][f][c]mergeplanes=0x001020:gbrp,$g,format=rgb24[o]
GRAPH
	"$FF" -hide_banner -loglevel error -threads 1 -filter_threads 1 -filter_complex_script "$graphfile" \
		-map '[o]' -frames:v 1 -y "$bg.$$.tmp.png"
	rm -f "$graphfile"
	mv "$bg.$$.tmp.png" "$bg"
}
[ -s "$bg" ] || render_scene

# pick MILD STRONG: the value for this severity.
pick() { if [ "$sev" = strong ]; then echo "$2"; else echo "$1"; fi; }
# Sizes are per mille of the frame, in integer arithmetic (no process per number).
pm() { echo $((($1 * $2 + 500) / 1000)); }                    # pm LENGTH PERMILLE: rounded pixels
px() { local n=$(($1)) && echo $((n < 2 ? 2 : n)); }           # at least 2 pixels
dec() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); } # milli-units as a decimal

case $ext in
h264 | 264 | mp4) rate=25 ;;
jpg | jpeg | png) rate=$snapfps ;;
*) echo "vqd-clips: OUTFILE must end in .h264, .mp4, .jpg or .png" >&2; exit 2 ;;
esac

# The filter graph is built step by step: f FILTER appends a filter, box COLOUR W H X Y overlays a
# solid box whose position may move with t (drawbox cannot move in ffmpeg 5.1).
graph="" cur="0:v" k=0
f() { k=$((k + 1)); graph+="[$cur]$1[n$k];"; cur=n$k; }
box() {
	k=$((k + 1))
	graph+="color=c=$1:s=$(px "$2")x$(px "$3"):r=$rate[b$k];[$cur][b$k]overlay=x='$4':y='$5':eval=frame:shortest=0[n$k];"
	cur=n$k
}
osd() { # the OSD clock: four small white "digits"; the last one changes every second
	local i
	for i in 0 1 2 3; do
		box white "$(pm $W 12)" "$(pm $H 30)" "W*(0.03+0.02*$i)+mod(floor(t/pow(10,3-$i))*3+$i,3)*W*0.003" "H*0.03"
	done
}

# 1. the view: centred in the larger scene; a turned camera looks elsewhere, a shaking one jitters.
X0=$(((SW - W) / 2)) Y0=$(((SH - H) / 2))
vx=$X0 vy=$Y0
case $fault in
scene_change)
	vx=$(((X0 * 1000 + $(pick 90 150) * W) / 1000))
	vy=$(((Y0 * 1000 - $(pick 0 120) * H) / 1000))
	;;
shake) # a pole swaying at a few hertz: the view jumps side to side (and a little up and down)
	a=$(pick 0.012 0.035)
	vx="$X0+$a*$W*(2*mod(floor(t*5),2)-1)*(0.8+0.2*sin(t*3.1))"
	vy="$Y0+$a*$H*0.5*(2*mod(floor(t*3),2)-1)*(0.8+0.2*cos(t*2.3))"
	;;
esac
f "crop=$W:$H:'$vx':'$vy'"
# 2. moving things: swans on the water, people on the paths.
case $layout in
lake)
	box 0xF0F0EC "$(pm $W 30)" "$(pm $H 18)" "W*(0.25+0.03*t)" "H*0.58"
	box 0xE8E8E4 "$(pm $W 25)" "$(pm $H 15)" "W*(0.6-0.02*t)" "H*0.66"
	box 0x303848 "$(pm $W 12)" "$(pm $H 70)" "W*(0.1+0.05*t)" "H*0.71"
	;;
plaza)
	box 0x503030 "$(pm $W 13)" "$(pm $H 80)" "W*(0.3+0.04*t)" "H*0.6"
	box 0x283040 "$(pm $W 16)" "$(pm $H 100)" "W*(0.7-0.03*t)" "H*0.75"
	;;
path)
	box 0x383030 "$(pm $W 14)" "$(pm $H 70)" "W*0.48+W*0.02*sin(t)" "H*(0.5+0.03*t)"
	;;
esac
# 3. optics and exposure.
case $fault in
blur) f "gblur=sigma=$(dec $(($(pick 4 10) * W)))" ;;
occlusion) # an out-of-focus leaf or hand over a corner of the lens
	ow=$(pick 450 750) oh=$(pick 650 1000)
	ox=$([ $((seed % 2)) = 0 ] && echo "W-w" || echo 0)
	box 0x1E1C1A "$(pm $W $ow)" "$(pm $H $oh)" "$ox" "H-h"
	;;
too_dark) k2=$(pick 0.3 0.18) && f "lutrgb=r='val*$k2':g='val*$k2':b='val*$k2'" ;;
too_bright) k2=$(pick 2.2 3) o=$(pick 30 50) && f "lutrgb=r='val*$k2+$o':g='val*$k2+$o':b='val*$k2+$o'" ;;
low_contrast) # fog: everything pulled towards a bright grey
	c=$(pick 0.35 0.18) fg=$([ "$tod" = day ] && echo 175 || echo 110)
	f "lutrgb=r='val*$c+(1-$c)*$fg':g='val*$c+(1-$c)*$fg':b='val*$c+(1-$c)*$fg'"
	;;
esac
# 4. sensor noise (infrared night gain is noisier).
f "noise=alls=$([ "$tod" = day ] && echo 5 || echo 12):allf=t:all_seed=$((seed * 13 + 7))"
# 5. white balance; an infrared picture is grey all over, movers included (and a cast with it: the
# night profile does not judge colour).
if [ "$fault" = color_cast ]; then
	case $layout in
	lake) m=$(pick "rr=1:gg=0.82:bb=0.6" "rr=1:gg=0.72:bb=0.42") ;;       # warm (yellow-red)
	plaza) m=$(pick "rr=0.72:gg=1:bb=0.7" "rr=0.55:gg=1:bb=0.5") ;;       # green
	path) m=$(pick "rr=0.62:gg=0.85:bb=1.15" "rr=0.45:gg=0.75:bb=1.3") ;; # blue
	esac
	f "colorchannelmixer=$m"
fi
[ "$tod" = night ] && f "hue=s=0"
# 6 and 7: the OSD clock, then transmission faults.
case $fault in
frozen) # mild: the picture sticks but the OSD still ticks; strong: the whole encoder output repeats
	if [ "$sev" = mild ]; then f "loop=loop=-1:size=1:start=0" && osd; else osd && f "loop=loop=-1:size=1:start=0"; fi ;;
stripes)
	osd
	a=$(pick 10 28)
	f "format=yuv420p,geq=lum='clip(lum(X,Y)+$a*sin(2*PI*(Y/($H/40)+0.5*X/$W)+3*T),0,255)':cb='cb(X,Y)':cr='cr(X,Y)'"
	;;
noise) osd && f "noise=alls=$(pick 22 50):allf=t+u:all_seed=$((seed * 17 + 3))" ;;
*) osd ;;
esac
# Screens replace the picture: the recorder's "no video" page, or a decoder with nothing to decode.
src=(-loop 1 -framerate "$rate" -i "$bg")
case $fault in
black_screen | white_screen | blue_screen | signal_loss)
	case $fault in
	black_screen) col=$(pick 0x121212 0x000000) ;;
	white_screen) col=$(pick 0xF2F2F2 0xFFFFFF) ;;
	blue_screen) col=$(pick 0x1030C0 0x0000FF) ;;
	signal_loss) col=$(pick 0x808080 0x008800) ;; # grey "NO SIGNAL" page; green = H.264 with no reference
	esac
	src=(-f lavfi -i "color=c=$col:s=${W}x$H:r=$rate")
	graph="" cur="0:v"
	if [ "$sev" = mild ]; then # the recorder's caption box and the OSD clock, and a little noise
		f "drawbox=x=iw*0.35:y=ih*0.45:w=iw*0.3:h=ih*0.1:color=white:t=2,drawbox=x=iw*0.38:y=ih*0.48:w=iw*0.24:h=ih*0.04:color=white:t=fill"
		osd
		f "noise=alls=2:allf=t:all_seed=$seed"
	fi
	;;
esac

# Output.
read -r frames snaps < <(awk -v s="$secs" -v r="$rate" -v j="$snapfps" 'BEGIN{print int(s*r+0.5), int(s*j+0.5)}')
snapext=$([ "$ext" = png ] && echo png || echo jpg)
rm -f "$base"-[0-9][0-9]."$snapext"
common_out=(-hide_banner -loglevel error -threads 1 -filter_threads 1 -y)
case $ext in
h264 | 264 | mp4)
	fmt=(-f h264)
	[ "$ext" = mp4 ] && fmt=(-f mp4 -movflags +faststart)
	"$FF" "${common_out[@]}" "${src[@]}" -filter_complex "$graph[$cur]format=yuv420p,split[v][s];[s]fps=$snapfps[j]" \
		-map '[v]' -frames:v "$frames" -c:v libx264 -profile:v baseline -preset veryfast -crf "${CRF:-30}" -pix_fmt yuv420p \
		-g 25 -keyint_min 25 -sc_threshold 0 -bf 0 -x264-params repeat-headers=1 "${fmt[@]}" "$out" \
		-map '[j]' -frames:v "$snaps" -q:v 3 "$base-%02d.jpg"
	;;
*)
	"$FF" "${common_out[@]}" "${src[@]}" -filter_complex "$graph[$cur]format=rgb24[v]" \
		-map '[v]' -frames:v "$frames" -q:v 3 "$base-%02d.$snapext"
	;;
esac
