import { describe, expect, it } from 'vitest';
import {
  ACTION_EXIT_CODE_FLAG_MASK,
  ActionExitCode,
  ActionExitCodeFlag,
  actionExitCodeName,
  decodeErrorCode,
  encodeErrorCode,
} from './action-exit-codes.js';
import { EventResult, EventType, eventResultName, eventTypeName } from './event-codes.js';

describe('event types and results', () => {
  it('have the numbers update_engine and Nebraska use', () => {
    expect([EventType.UpdateComplete, EventType.UpdateDownloadStarted, EventType.UpdateDownloadFinished]).toEqual([
      3, 13, 14,
    ]);
    expect(EventType.UpdateInstalled).toBe(800);
    expect([EventResult.Error, EventResult.Success, EventResult.SuccessReboot, EventResult.UpdateDeferred]).toEqual([
      0, 1, 2, 9,
    ]);
  });

  it('have names for their numbers', () => {
    expect(eventTypeName(13)).toBe('UpdateDownloadStarted');
    expect(eventTypeName(800)).toBe('UpdateInstalled');
    expect(eventTypeName(7)).toBeUndefined();
    expect(eventResultName(2)).toBe('SuccessReboot');
    expect(eventResultName(11)).toBeUndefined();
  });
});

describe('update_engine error codes', () => {
  it('number the codes as action_processor.h does', () => {
    expect(ActionExitCode.OmahaResponseInvalid).toBe(34);
    expect(ActionExitCode.RollbackError).toBe(44);
    expect(ActionExitCode.OmahaRequestHTTPResponseBase).toBe(2000);
    // Every code from 0 to 44 has a name: the enum has no gaps there.
    for (let code = 0; code <= 44; code++) expect(actionExitCodeName(code)).toBeDefined();
    const { DevMode, Resumed, TestImage, TestOmahaUrl } = ActionExitCodeFlag;
    expect([DevMode, Resumed, TestImage, TestOmahaUrl]).toEqual([2 ** 31, 2 ** 30, 2 ** 29, 2 ** 28]);
    expect((DevMode | Resumed | TestImage | TestOmahaUrl) >>> 0).toBe(ACTION_EXIT_CODE_FLAG_MASK);
  });

  it('decodes a plain code', () => {
    expect(decodeErrorCode(10)).toEqual({ raw: 10, code: 10, name: 'PayloadHashMismatchError', flags: [] });
    expect(decodeErrorCode(45)).toEqual({ raw: 45, code: 45, name: undefined, flags: [] });
  });

  it('decodes flag bits, in update_engine’s signed form and in the unsigned one', () => {
    // A self-hosted server is not Flatcar's production URL, so update_engine sets TestOmahaUrl on every error.
    expect(decodeErrorCode(268435466)).toMatchObject({ code: 10, flags: ['TestOmahaUrl'] });
    expect(decodeErrorCode(1073741833)).toMatchObject({ code: 9, name: 'DownloadTransferError', flags: ['Resumed'] });
    expect(decodeErrorCode(-2147483604)).toMatchObject({ code: 44, flags: ['DevMode'] });
    expect(decodeErrorCode(0xf000002c)).toMatchObject({
      code: 44,
      flags: ['DevMode', 'Resumed', 'TestImage', 'TestOmahaUrl'],
    });
  });

  it('decodes HTTP failures of the Omaha request as 2000 + status', () => {
    // 268437959 is the error code Nebraska's omaha_test.go sends.
    expect(decodeErrorCode(268437959)).toEqual({
      raw: 268437959,
      code: 2503,
      name: 'OmahaRequestHTTPResponseBase',
      httpStatus: 503,
      flags: ['TestOmahaUrl'],
    });
  });

  it('encodes as update_engine prints: the bits ORed, as a signed 32-bit integer', () => {
    expect(encodeErrorCode(2503, ['TestOmahaUrl'])).toBe(268437959);
    expect(encodeErrorCode(44, ['DevMode'])).toBe(-2147483604);
    expect(encodeErrorCode(10)).toBe(10);
    for (const raw of [0, 44, 268437959, -2147483604, -1]) {
      const decoded = decodeErrorCode(raw);
      expect(encodeErrorCode(decoded.code, decoded.flags)).toBe(raw | 0);
    }
  });
});
