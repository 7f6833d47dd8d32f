#!/bin/bash
# Flicker (E_warp) and frames/s with and without temporal stabilisation, per bundled style, on a
# 3 s 640x480 clip made by ffmpeg: a still photo with a slow zoom and pan, a red square moving
# across it, and camera noise. Run from the repository root after `mvn install`; STYLES='a b'
# chooses the styles, FRAMES=N the clip's length (default 75: longer clips weigh start-up less in
# the frames/s), REPEATS=N how many times each is stylised with and without, alternating (frames/s
# is the median: on a shared 2-core machine single runs vary by 10-20%).
set -e
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
R=$PWD/restyle
PHOTO=${PHOTO:-/work/shared/data/content/chicago.jpg}
mkdir -p target/temporal && cd target/temporal
ffmpeg -nostdin -v error -y -loop 1 -i "$PHOTO" -f lavfi -i "color=c=0xd02828:s=64x64:r=25" \
  -filter_complex "[0:v]scale=1280:960:force_original_aspect_ratio=increase,crop=1280:960,zoompan=z='1.0+0.0015*on':x='iw/2-(iw/zoom/2)+on*1.2':y='ih/2-(ih/zoom/2)':d=${FRAMES:-75}:s=640x480:fps=25[bg];[bg][1:v]overlay=x='40+7*n':y=300:shortest=1,noise=alls=8:allf=t,format=yuv420p" \
  -frames:v ${FRAMES:-75} -c:v libx264 -crf 14 -preset veryfast clip.mp4
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for s in ${STYLES:-candy mosaic rain_princess starry_night the_scream starry_night_fast}; do
  declare -A fps=([off]="" [on]="")
  for r in $(seq ${REPEATS:-1}); do
    for m in off on; do
      f=""; [ $m = off ] && f=--no-temporal
      line=$(nice $R video clip.mp4 -o ${s}_$m.mp4 --style $s $f 2>&1 | tr '\r' '\n' | tail -1)
      echo "$line"
      fps[$m]+=" $(grep -oE '[0-9.]+ fps' <<<"$line" | head -1 | cut -d' ' -f1)"
    done
  done
  off=$(median <<<"${fps[off]# }"); on=$(median <<<"${fps[on]# }")
  echo "$s frames/s, median of ${REPEATS:-1}: off $off, on $on, on/off $(awk "BEGIN {printf \"%.2f\", $on / $off}")"
  nice $R evaluate --temporal clip.mp4 ${s}_off.mp4 ${s}_on.mp4 2>&1 | tail -4
done
