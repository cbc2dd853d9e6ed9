import { EventValidationError } from '../errors/event-validation.error';
import { BadRequestException } from '@nestjs/common';
import {
  asValidationError,
  fromClassValidatorErrors,
  fromPipeRejection,
  validationIssuesHeader,
} from './validation-issues';

describe('validation issues', () => {
  it("flattens class-validator's nested errors into dotted paths", () => {
    const issues = fromClassValidatorErrors([
      {
        property: 'lines',
        children: [{ property: '0', children: [{ property: 'qty', constraints: { min: 'qty too low' } }] }],
      },
      { property: 'id', constraints: { isString: 'id must be a string', isNotEmpty: 'id is empty' } },
    ]);
    expect(issues).toEqual([
      { path: 'lines.0.qty', message: 'qty too low' },
      { path: 'id', message: 'id must be a string; id is empty' },
    ]);
  });

  it('turns an array thrown by a handler into an EventValidationError, and leaves other errors alone', () => {
    const error = asValidationError([{ property: 'id', constraints: { x: 'id is wrong' } }], 'A.b');
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error?.message).toContain('id: id is wrong');
    expect(asValidationError(new Error('boom'), 'A.b')).toBeUndefined();
  });

  it('keeps the header under its bound with whole issues only, so it always parses', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      path: `items.${i}.sku`,
      message: 'x'.repeat(1000),
    }));
    const header = validationIssuesHeader(many, 4096);
    expect(Buffer.byteLength(header)).toBeLessThanOrEqual(4096);
    const parsed = JSON.parse(header) as { path: string; message: string }[];
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed[0]).toEqual({ path: 'items.0.sku', message: `${'x'.repeat(255)}…` });
  });

  it("reads a pipe's rejection: ValidationPipe's messages, class-validator errors, or the error's message", () => {
    const messages = new BadRequestException(['amount must be positive', 'account must be a string']);
    expect(fromPipeRejection(messages)).toEqual([
      { path: '', message: 'amount must be positive' },
      { path: '', message: 'account must be a string' },
    ]);
    expect(fromPipeRejection([{ property: 'amount', constraints: { min: 'too low' } }])).toEqual([
      { path: 'amount', message: 'too low' },
    ]);
    expect(fromPipeRejection(new Error('not a number'))).toEqual([{ path: '', message: 'not a number' }]);
  });
});
