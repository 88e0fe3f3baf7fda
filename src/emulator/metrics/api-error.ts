/**
 * CloudWatch's errors, protocol-neutral: an HTTP status, the Smithy shape (`__type` in JSON and
 * CBOR), the query code (`<Code>` in Query's XML and the `x-amzn-query-error` header) and the
 * fault. Each protocol (protocols/) writes them in its own shape.
 */

/** One CloudWatch error; thrown inside the handler and turned into the answer there. */
export class CloudWatchApiError extends Error {
  constructor(
    readonly httpStatus: number,
    /** Fully qualified shape, the body's `__type`. */
    readonly type: string,
    /** The query-protocol code, first half of `x-amzn-query-error`. */
    readonly queryCode: string,
    readonly fault: 'Sender' | 'Receiver',
    message: string,
  ) {
    super(message);
    this.name = 'CloudWatchApiError';
  }

}

const CW = 'com.amazonaws.cloudwatch#';
const CORAL = 'com.amazon.coral.service#';

/** 400 InvalidParameterValue: a parameter is present but wrong. */
export function invalidParameter(message: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CW}InvalidParameterValueException`, 'InvalidParameterValue', 'Sender', message);
}

/** 400 MissingParameter: a required parameter is absent. */
export function missingParameter(name: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CW}MissingRequiredParameterException`, 'MissingParameter', 'Sender',
    `The parameter ${name} is required.`);
}

/** 400 InvalidNextToken: the token is not one this endpoint gave for this request. */
export function invalidNextToken(): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CW}InvalidNextToken`, 'InvalidNextToken', 'Sender', 'The service returned an invalid NextToken.');
}

/** 400 for an operation (X-Amz-Target, Action, CBOR path) the endpoint does not serve. */
export function unknownOperation(target: string, served: readonly string[]): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CORAL}UnknownOperationException`, 'InvalidAction', 'Sender',
    `The action or operation requested is invalid: ${JSON.stringify(target).slice(0, 120)} (served: ${served.join(', ')}).`);
}

/** 400 InvalidParameterCombination: parameters that may not be given together (or not both left out). */
export function invalidCombination(message: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CW}InvalidParameterCombinationException`, 'InvalidParameterCombination', 'Sender', message);
}

/** 400 for a body the request's protocol cannot read (`message` says what is wrong). */
export function malformedBody(message: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CORAL}SerializationException`, 'MalformedInput', 'Sender', message);
}

/** 500 InternalServiceError: a fault of the endpoint itself. */
export function internalError(): CloudWatchApiError {
  return new CloudWatchApiError(500, `${CW}InternalServiceFault`, 'InternalServiceError', 'Receiver', 'Request processing has failed due to some unknown error.');
}
