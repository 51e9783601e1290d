#!/usr/bin/env bash
# Makes every audio clip the project commits, from text, with espeak-ng and sox (Debian packages
# espeak-ng and sox): the simulated callees' utterances (sim/audio/clips/) and the labelled voicemail
# clip set with its labels.json (test/fixtures/voicemail/). Tests and CI read the committed clips and
# never need these tools; rerun this only to change a clip.
#
# Every clip is 8 kHz, 16-bit signed little-endian mono raw PCM, Exotel's Voicebot format. Runs are
# reproducible: espeak-ng is deterministic, sox runs with -R (fixed seed for its noise generator) and
# -D (no dither when converting to 16 bits).
#
#   bash sim/audio/make-clips.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
CLIPS=sim/audio/clips
FIXTURES=test/fixtures/voicemail
RATE=8000
BYTES_PER_MS=16
RAW=(-t raw -r "$RATE" -b 16 -c 1 -e signed-integer)

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-clips: $tool is missing (apt-get install -y espeak-ng sox)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$CLIPS" "$FIXTURES"

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

# quiet MS OUT: digital silence.
quiet() {
  head -c $(($1 * BYTES_PER_MS)) /dev/zero >"$2"
}

ms_to_s() {
  printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

bytes_to_ms() {
  echo $(($(stat -c %s "$1") / BYTES_PER_MS))
}

json_text() {
  local text=${1//\\/\\\\}
  printf '"%s"' "${text//\"/\\\"}"
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

# ---------------------------------------------------------------------------------------------------
# The labelled voicemail clip set. A clip is built part by part; the parts' positions become its labels.

entries=()
begin() {
  clip_name=$1 clip_label=$2 clip_description=$3
  : >"$work/clip.raw"
  segments=() beeps=()
}

pause() {
  quiet "$1" "$work/part.raw"
  cat "$work/part.raw" >>"$work/clip.raw"
}

position() {
  bytes_to_ms "$work/clip.raw"
}

# say VOICE SPEED TEXT [reply]: one utterance; "reply" marks an answer to the bot (an interaction).
say() {
  local start end
  speak "$1" "$2" "$3" "$work/part.raw"
  start=$(position)
  cat "$work/part.raw" >>"$work/clip.raw"
  end=$(position)
  segments+=("{\"text\": $(json_text "$3"), \"startMs\": $start, \"endMs\": $end, \"reply\": $([[ ${4:-} == reply ]] && echo true || echo false)}")
}

beep() {
  local start
  tone "$1" "$2" "$work/part.raw"
  start=$(position)
  cat "$work/part.raw" >>"$work/clip.raw"
  beeps+=("{\"hz\": $1, \"startMs\": $start, \"endMs\": $(position)}")
}

# noise VOL: white noise of the clip's length mixed under everything so far (a noisy line).
noise() {
  sox -R -D -n "${RAW[@]}" "$work/noise.raw" synth "$(ms_to_s "$(position)")" whitenoise vol "$1"
  sox -R -D -m -v 1 "${RAW[@]}" "$work/clip.raw" -v 1 "${RAW[@]}" "$work/noise.raw" "${RAW[@]}" "$work/mixed.raw"
  mv "$work/mixed.raw" "$work/clip.raw"
}

end() {
  local IFS=,
  cp "$work/clip.raw" "$FIXTURES/$clip_name.raw"
  entries+=("    {\"file\": \"$clip_name.raw\", \"label\": \"$clip_label\", \"description\": $(json_text "$clip_description"), \"durationMs\": $(position), \"speech\": [${segments[*]}], \"beeps\": [${beeps[*]}]}")
  printf '  %-34s %-7s %5d ms  %s\n' "$clip_name.raw" "$clip_label" "$(position)" "$clip_description"
}

echo "voicemail clip set in $FIXTURES:"

begin human-hello human "Picks up, says hello, waits."
pause 400; say en-us+m3 160 "Hello?"; pause 3500; end

begin human-who-is-this human "Asks who is calling, waits."
pause 600; say en-us+f3 165 "Hi, who is this?"; pause 3500; end

begin human-yes-speaking human "Confirms it is them, waits."
pause 300; say en-gb+m3 160 "Yes, speaking."; pause 3500; end

begin human-hello-twice human "Says hello, hears nothing, says hello again."
pause 500; say en-us+m1 155 "Hello?"; pause 1500; say en-us+m1 155 "Hello?"; pause 3000; end

begin human-not-available-waits human "Known false positive: 'not available' then waits for an answer."
pause 500; say en-us+f2 160 "He is not available right now, can I take a message?"; pause 4000; end

begin human-not-available-replies human "Known false positive, then answers the bot after a pause."
pause 500; say en-us+f2 160 "He is not available right now, can I take a message?"; pause 1800
say en-us+f2 160 "Sure, go ahead." reply; pause 2500; end

begin human-she-is-unavailable human "Says she is unavailable, asks who is calling."
pause 400; say en-gb+f4 165 "She's unavailable at the moment. Who's calling?"; pause 3500; end

begin human-will-call-back human "Speaks for someone else with two voicemail-like phrases, no question."
pause 500; say en-gb+m3 160 "Sorry, he is not available right now. He will call you back later."; pause 3000; end

begin human-long-reply human "A long first reply from a person, ending in a question."
pause 400; say en-us+m3 170 "Yes, hello, this is Rahul speaking. Who is calling me from this number?"; pause 3000; end

begin human-hinglish-haan human "Hindi: 'yes, tell me', waits."
pause 500; say hi 150 "हाँ जी, बोलिए।"; pause 3500; end

begin human-hinglish-busy human "Hindi: 'he is busy right now, will you call later?', waits, then replies."
pause 400; say hi 150 "वह अभी व्यस्त हैं, आप बाद में कॉल करेंगे?"; pause 1600
say hi 150 "ठीक है, बताइए।" reply; pause 2500; end

begin human-noisy-hello human "Hello on a noisy line."
pause 700; say en-us+f3 160 "Hello? Yes?"; pause 3500; noise 0.03; end

begin vm-priya-beep-1000 machine "Voicemail greeting, 1000 Hz beep of 500 ms."
pause 600; say en-us+f3 160 "Hi, you've reached Priya."; pause 350; say en-us+f3 160 "I'm not available right now."; pause 350
say en-us+f3 160 "Please leave a message after the beep."; pause 450; beep 1000 500; pause 2500; end

begin vm-arjun-beep-850 machine "Voicemail greeting, 850 Hz beep of 300 ms."
pause 800; say en-gb+m3 165 "You have reached the voicemail of Arjun Mehta."; pause 400
say en-gb+m3 165 "Please record your message after the tone."; pause 600; beep 850 300; pause 2500; end

begin vm-short-beep-1150 machine "Short greeting, 1150 Hz beep of 150 ms."
pause 500; say en-us+m1 170 "Sorry I missed your call."; pause 300; say en-us+m1 170 "Leave a message."; pause 500
beep 1150 150; pause 2500; end

begin vm-carrier-beep-1000-long machine "Carrier voicemail, 1000 Hz beep of 1000 ms."
pause 900; say en-gb-x-rp+f3 150 "The person you are calling is not available."; pause 400
say en-gb-x-rp+f3 150 "Please leave your message after the tone."; pause 700; beep 1000 1000; pause 2000; end

begin vm-beep-only machine "No greeting: the machine only beeps (1000 Hz, 400 ms)."
pause 1200; beep 1000 400; pause 3000; end

begin vm-karan-no-beep machine "Voicemail greeting without a beep."
pause 700; say en-gb+m3 160 "Hi, this is Karan."; pause 350; say en-gb+m3 160 "I can't take your call right now."; pause 350
say en-gb+m3 160 "Please leave a message and I'll call you back as soon as I can."; pause 4000; end

begin vm-neha-no-beep machine "Voicemail greeting without a beep, no 'beep' or 'tone' announced."
pause 500; say en-us+f4 165 "Hello, you've reached Neha Sharma."; pause 400; say en-us+f4 165 "I'm away from my phone."; pause 400
say en-us+f4 165 "Leave me a message and I will get back to you."; pause 4000; end

begin vm-hindi-beep-1000 machine "Hindi voicemail greeting, 1000 Hz beep of 600 ms."
pause 600; say hi 150 "आप जिस व्यक्ति को कॉल कर रहे हैं, वह अभी उपलब्ध नहीं हैं।"; pause 400
say hi 150 "कृपया बीप के बाद अपना संदेश छोड़िए।"; pause 500; beep 1000 600; pause 2500; end

begin vm-hinglish-no-beep machine "Hinglish voicemail greeting, no beep."
pause 600; say hi 150 "Namaste, main abhi vyast hoon."; pause 400; say hi 150 "Kripya apna sandesh chhodiye, main aapko call karungi."; pause 4000; end

begin vm-noisy-beep-1000 machine "Voicemail greeting and 1000 Hz beep on a noisy line."
pause 500; say en-us+m3 160 "You've reached the mailbox of Vikram."; pause 350
say en-us+m3 160 "Please leave a message after the tone."; pause 400; beep 1000 400; pause 2500; noise 0.03; end

begin vm-late-beep-1000 machine "A long greeting whose beep comes after five seconds."
pause 800; say en-us+f2 155 "Thank you for calling Meera."; pause 350; say en-us+f2 155 "I am not available to take your call."; pause 350
say en-us+f2 155 "Please leave your name, number and a short message after the beep."; pause 500; beep 1000 500; pause 2000; end

begin silence-4s none "Nobody says anything."
pause 4500; end

begin noise-4s none "White noise only."
pause 4500; noise 0.05; end

begin noise-loud-4s none "Loud white noise only."
pause 4500; noise 0.2; end

{
  echo '{'
  echo "  \"sampleRate\": $RATE,"
  echo '  "format": "16-bit signed little-endian mono raw PCM",'
  echo '  "generatedBy": "sim/audio/make-clips.sh",'
  echo '  "clips": ['
  for i in "${!entries[@]}"; do
    if ((i < ${#entries[@]} - 1)); then echo "${entries[$i]},"; else echo "${entries[$i]}"; fi
  done
  echo '  ]'
  echo '}'
} >"$FIXTURES/labels.json"
echo "labels: $FIXTURES/labels.json (${#entries[@]} clips)"
