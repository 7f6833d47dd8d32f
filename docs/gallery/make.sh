#!/usr/bin/env bash
# Rebuilds docs/gallery/: chicago.jpg and amber.jpg (../shared/data/content) in every bundled style,
# one `restyle optimize` result, and gallery.jpg, a labelled sheet of them all (ImageMagick): a row
# per photo in the painted styles, then a row of chicago in their real-time twins (NAME_fast).
# Needs ../shared/data and a build (README command 1). Your own styles in ~/.restyle/styles
# would shadow bundled ones of the same name: this script hides them while it runs.
set -euo pipefail
export PATH="/usr/bin:$PATH" # ImageMagick 6 from Debian
cd "$(dirname "$0")/../.."
data=../shared/data
out=docs/gallery
all=$(sed -nE 's/.*"name": "([^"]+)".*/\1/p' styles/index.json)
painted=$(grep -v '_fast$' <<< "$all")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export RESTYLE_HOME="$tmp/home" # no user styles
columns=$(($(wc -w <<< "$painted") + 1))
sheet=()
for content in chicago amber; do
  # the photo itself only as a thumbnail in the sheet: the data set is not copied into the repo
  convert "$data/content/$content.jpg" -resize 480x480 "$tmp/$content.jpg"
  sheet+=(-label "$content (photo)" "$tmp/$content.jpg")
  for style in $all; do
    [[ $content == chicago || $style != *_fast ]] || continue # the twins' row is chicago's
    ./restyle image "$data/content/$content.jpg" --style "$style" -o "$out/$content-$style.jpg"
    convert "$out/$content-$style.jpg" -resize 480x480 "$out/$content-$style.jpg"
  done
  for style in $painted; do
    sheet+=(-label "$style" "$out/$content-$style.jpg")
  done
done
# the real-time row: each twin under its teacher's column
sheet+=(-label "real time:" "$tmp/chicago.jpg")
for style in $painted; do
  if grep -qx "${style}_fast" <<< "$all"; then
    sheet+=(-label "${style}_fast" "$out/chicago-${style}_fast.jpg")
  else
    sheet+=(null:)
  fi
done
montage "${sheet[@]}" -tile "${columns}x" -geometry 240x240+3+3 -font DejaVu-Sans -pointsize 13 \
  "$out/gallery.jpg"
# the slow method, our quality reference (about 12 minutes on 2 busy cores, sliced Wasserstein)
[[ -n "${SKIP_OPTIMIZE:-}" ]] || ./restyle optimize "$data/content/chicago.jpg" "$data/styles/starry_night.jpg" \
  -o "$out/chicago-optimize-starry_night.jpg" --size 384 --style-size 384 --iterations 150 --style-weight 100
