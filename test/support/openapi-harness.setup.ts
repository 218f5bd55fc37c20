import { readFileSync } from 'node:fs';
import { checkAnswers, recorder } from './openapi-harness';

/**
 * Every integration test file (jest.config.js setupFilesAfterEnv): its answers are recorded, and once its
 * tests are done they are checked against the OpenAPI document the global setup wrote; a violation fails
 * the file, naming the route, the status and what does not match.
 */
recorder.active = true;

afterAll(() => {
  const file = process.env.TEST_OPENAPI_DOCUMENT;
  if (!file || recorder.answers.length === 0) return;
  const document = JSON.parse(readFileSync(file, 'utf8'));
  const { checked, skipped, violations } = checkAnswers(document, recorder.answers);
  recorder.answers = [];
  if (violations.length > 0) {
    const unique = [...new Set(violations)];
    throw new Error(
      `${unique.length} answer(s) of this file do not match the OpenAPI document (${checked} checked, ${skipped} outside the API):\n  ${unique.join('\n  ')}`,
    );
  }
});
