/**
 * Error replies: `{"error": {"code", "message", "details"?}}` with the status the
 * protocol gives each code (domain's ERROR_STATUS) and the message in the request's
 * Accept-Language (id by default, en).
 */
import type { Context } from 'hono';
import {
  ERROR_STATUS,
  errorMessage,
  langFromAcceptLanguage,
  type ErrorBody,
  type ErrorCode,
  type FieldError,
  type Lang,
  type MessageParams,
} from '../domain';

export function langOf(c: Context): Lang {
  return langFromAcceptLanguage(c.req.header('accept-language'));
}

export function errorBody(code: ErrorCode, lang: Lang, details?: FieldError[], params?: MessageParams): ErrorBody {
  const message = errorMessage(lang, code, params);
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}

export function errorReply(
  c: Context,
  code: ErrorCode,
  details?: FieldError[],
  params?: MessageParams,
): Response {
  return c.json(errorBody(code, langOf(c), details, params), ERROR_STATUS[code]);
}
