import { Schema } from 'mongoose';

/** Embedded in scheduled calls, series and campaigns: a daily window in an IANA zone on chosen weekdays. */
export const businessHoursSchema = new Schema(
  {
    start: { type: String, required: true, match: /^\d{2}:\d{2}(:\d{2})?$/ },
    end: { type: String, required: true, match: /^\d{2}:\d{2}(:\d{2})?$/ },
    timezone: { type: String, required: true },
    daysOfWeek: { type: [Number], required: true },
  },
  { _id: false },
);
