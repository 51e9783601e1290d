#!/usr/bin/env bash
# Makes every audio clip the project commits, from text, with espeak-ng and sox (Debian packages
# espeak-ng and sox): what the simulated callees say and play (sim/audio/clips/). Tests and CI read the
# committed clips and never need these tools; rerun this only to change a clip. The voicemail
# evaluation set has its own generator (scripts/make-voicemail-eval.ts).
#
# Every clip is 8 kHz, 16-bit signed little-endian mono raw PCM, Exotel's Voicebot format. Runs are
# reproducible: espeak-ng is deterministic, sox runs with -R (fixed seed for its noise generator) and
# -D (no dither when converting to 16 bits).
#
#   bash sim/audio/make-clips.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
CLIPS=sim/audio/clips
RATE=8000
BYTES_PER_MS=16
RAW=(-t raw -r "$RATE" -b 16 -c 1 -e signed-integer)

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-clips: $tool is missing (apt-get install -y espeak-ng sox)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$CLIPS"

# speak VOICE SPEED TEXT OUT: synthesizes TEXT and converts it to 8 kHz raw PCM, trimming the leading
# and trailing silence espeak-ng adds, so a clip starts and ends where the voice does.
speak() {
  local voice=$1 speed=$2 text=$3 out=$4
  espeak-ng -v "$voice" -s "$speed" -w "$work/speech.wav" "$text"
  sox -R -D "$work/speech.wav" "${RAW[@]}" "$out" \
    silence 1 0.01 -45d reverse silence 1 0.01 -45d reverse
}

# tone HZ MS OUT: a sine beep at half of full scale with 5 ms fades, as answering machines sound.
tone() {
  sox -R -D -n "${RAW[@]}" "$3" synth "$(ms_to_s "$2")" sine "$1" vol 0.5 fade t 0.005 "$(ms_to_s "$2")" 0.005
}

ms_to_s() {
  printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

bytes_to_ms() {
  echo $(($(stat -c %s "$1") / BYTES_PER_MS))
}

# ---------------------------------------------------------------------------------------------------
# Callee utterances for the Exotel simulator (sim/audio/scripts.ts names them by file).

callee() {
  local name=$1 voice=$2 text=$3
  speak "$voice" 160 "$text" "$CLIPS/$name.raw"
  printf '  %-28s %5d ms  %s\n' "$name.raw" "$(bytes_to_ms "$CLIPS/$name.raw")" "$text"
}

echo "callee clips in $CLIPS:"
callee cooperative-hello en-us+m3 "Hello?"
callee cooperative-rahul en-us+m3 "Yes, this is Rahul."
callee cooperative-question en-us+m3 "When is my payment due?"
callee cooperative-bye en-us+m3 "Okay, thank you. Bye."
callee interrupter-who en-gb+f2 "Hello? Yes, who is this?"
callee interrupter-busy en-gb+f2 "Sorry, I'm busy right now. What is this about?"
callee interrupter-bye en-gb+f2 "Okay, fine. Call me tomorrow. Bye."
callee hang-up-hello en-us+m1 "Hello? Who is this?"
callee dtmf-hello en-us+f4 "Hello?"
callee dtmf-bye en-us+f4 "Thank you. Bye."
callee voicemail-priya en-us+f3 "Hi, you've reached Priya. I'm not available right now. Please leave a message after the beep."
callee voicemail-karan en-gb+m3 "Hi, this is Karan. I can't take your call right now. Please leave a message and I'll call you back."
tone 1000 500 "$CLIPS/beep-1000hz-500ms.raw"
printf '  %-28s %5d ms  %s\n' beep-1000hz-500ms.raw 500 "1000 Hz sine"
callee announcement-switched-off en-gb-x-rp+f3 "The number you have dialled is switched off. Please try again later."
callee announcement-hindi-unreachable hi "आप जिस नंबर पर कॉल कर रहे हैं, वह अभी पहुंच से बाहर है। कृपया थोड़ी देर बाद प्रयास करें।"
# The special information tone before an announcement: three rising segments at North American
# networks' pitches (ITU-T E.180 gives 950, 1400 and 1800 Hz), 274, 274 and 380 ms.
tone 913.8 274 "$work/sit-1.raw"
tone 1370.6 274 "$work/sit-2.raw"
tone 1776.7 380 "$work/sit-3.raw"
cat "$work/sit-1.raw" "$work/sit-2.raw" "$work/sit-3.raw" >"$CLIPS/sit-tone.raw"
printf '  %-28s %5d ms  %s\n' sit-tone.raw "$(bytes_to_ms "$CLIPS/sit-tone.raw")" "913.8, 1370.6, 1776.7 Hz"
