import { HttpException } from '@nestjs/common';

/**
 * The one error shape every client sees: `{statusCode, code, message}`. `code` is stable
 * SCREAMING_SNAKE_CASE and documented; `message` is for people and never carries request values.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    /** The access this refusal belongs to, when one was recorded (a lookup that reached the registry). */
    accessId?: string,
  ) {
    super({ statusCode: status, code, message, ...(accessId ? { accessId } : {}) }, status);
  }
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  accessId?: string;
}
