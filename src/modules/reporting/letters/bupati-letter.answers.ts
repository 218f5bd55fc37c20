import { Type } from '@sinclair/typebox';
import { Answer, OneOf } from '../../../infrastructure/http/answer-schema';

export const LetterIssuedSchema = Answer({
  recorded: Type.Boolean({ description: 'false: already issued with this very number (200)' }),
  year: Type.Integer(),
  semester: OneOf([1, 2] as const),
  number: Type.String({ description: 'The letter number, as entered' }),
});
