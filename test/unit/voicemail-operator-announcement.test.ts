import { findAnnouncementWords, isOperatorAnnouncement } from '../../domain/voicemail/operator-announcement';

describe('operator and network announcements', () => {
  it.each([
    'The number you have dialled is currently switched off. Please try again later.',
    'The subscriber you are trying to reach is not reachable at the moment.',
    'The number you are calling is out of coverage area.',
    'The number you have dialled does not exist.',
    'This number is not in service.',
    'Calls to this number are barred.',
    'आप जिस नंबर पर कॉल कर रहे हैं, वह अभी बंद है।',
    'आप जिस नंबर पर कॉल कर रहे हैं, वह अभी पहुँच से बाहर है।',
    'यह नंबर मौजूद नहीं है, कृपया नंबर जाँच लें।',
    'Aap jis number par call kar rahe hain woh abhi band hai',
  ])('recognizes "%s"', (text) => {
    expect(isOperatorAnnouncement(findAnnouncementWords(text))).toBe(true);
  });

  it.each([
    "His phone is switched off, he's in a meeting.",
    'Sorry, she is not reachable right now, can I take a message?',
    'You have reached the voicemail of Arjun. Please leave a message after the tone.',
    'The number you have dialled is now connected to the voicemail of Priya.',
    'Hello, who is this?',
  ])('does not take "%s" for one: a condition or the framing alone is not enough', (text) => {
    expect(isOperatorAnnouncement(findAnnouncementWords(text))).toBe(false);
  });
});
