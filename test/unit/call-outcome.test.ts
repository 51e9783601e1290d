import { classifyAttempt, type AttemptFacts } from '../../domain/call-outcome';

const base: AttemptFacts = { answered: false, cancelled: false };

describe('classifyAttempt: Exotel status × media outcome', () => {
  it.each<[string, Partial<AttemptFacts>, string, string | null]>([
    ['dial rejected: invalid number', { dialFailure: 'invalid_number' }, 'failed', 'invalid_number'],
    ['dial rejected: rate limited', { dialFailure: 'rate_limited' }, 'failed', 'rate_limited'],
    ['dial rejected after cancel', { dialFailure: 'network_error', cancelled: true }, 'cancelled', 'cancelled'],
    ['busy', { exotelStatus: 'busy' }, 'failed', 'busy'],
    ['no-answer', { exotelStatus: 'no-answer' }, 'failed', 'no_answer'],
    ['leg canceled before answer', { exotelStatus: 'canceled' }, 'failed', 'no_answer'],
    ['failed before answer: the seed retries it as a network error', { exotelStatus: 'failed' }, 'failed', 'network_error'],
    ['completed, conversation completed', { exotelStatus: 'completed', answered: true, mediaOutcome: 'completed' }, 'completed', null],
    ['completed, bot hung up', { exotelStatus: 'completed', answered: true, mediaOutcome: 'hangup_by_bot' }, 'completed', null],
    ['completed, voicemail', { exotelStatus: 'completed', answered: true, mediaOutcome: 'voicemail' }, 'voicemail', 'voicemail'],
    ['completed, no response', { exotelStatus: 'completed', answered: true, mediaOutcome: 'no_response' }, 'failed', 'no_response'],
    ['completed, an operator announcement answered', { exotelStatus: 'completed', answered: true, mediaOutcome: 'unreachable' }, 'failed', 'unreachable'],
    ['completed, media dropped', { exotelStatus: 'completed', answered: true, mediaOutcome: 'connection_lost' }, 'failed', 'connection_lost'],
    ['completed, media never connected', { exotelStatus: 'completed', answered: true }, 'failed', 'connection_lost'],
    ['completed without any answer', { exotelStatus: 'completed' }, 'failed', 'no_answer'],
    ['media ended but no Exotel status', { answered: true, mediaOutcome: 'completed' }, 'completed', null],
    ['answered then failed mid-call', { exotelStatus: 'failed', answered: true, mediaOutcome: 'connection_lost' }, 'failed', 'connection_lost'],
    ['cancelled while ringing, no answer', { exotelStatus: 'no-answer', cancelled: true }, 'cancelled', 'cancelled'],
    ['cancelled live call', { exotelStatus: 'completed', answered: true, mediaOutcome: 'hangup_by_bot', cancelled: true }, 'cancelled', 'cancelled'],
    ['voicemail left before the cancel', { exotelStatus: 'completed', answered: true, mediaOutcome: 'voicemail', cancelled: true }, 'voicemail', 'voicemail'],
  ])('%s', (_name, facts, status, failureReason) => {
    expect(classifyAttempt({ ...base, ...facts })).toEqual({ status, failureReason });
  });
});
