/**
 * CloudWatch's error answers, as AWS JSON 1.0 in query-compatible mode carries them: an HTTP
 * status, a body `{"__type": "<namespace>#<Shape>", "message": "..."}` and the header
 * `x-amzn-query-error: <Code>;<Sender|Receiver>`, from which the SDK takes the error's name.
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

  /** The error's JSON body. */
  body(): string {
    return JSON.stringify({ __type: this.type, message: this.message });
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

/** 400 for an X-Amz-Target the endpoint does not serve. */
export function unknownOperation(target: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CORAL}UnknownOperationException`, 'InvalidAction', 'Sender',
    `The action or operation requested is invalid: ${JSON.stringify(target).slice(0, 120)} (served: GetMetricData, ListMetrics).`);
}

/** 400 for a body that is not a JSON object. */
export function malformedBody(detail: string): CloudWatchApiError {
  return new CloudWatchApiError(400, `${CORAL}SerializationException`, 'MalformedInput', 'Sender', `The request body is not valid JSON: ${detail}`);
}

/** 500 InternalServiceError: a fault of the endpoint itself. */
export function internalError(): CloudWatchApiError {
  return new CloudWatchApiError(500, `${CW}InternalServiceFault`, 'InternalServiceError', 'Receiver', 'Request processing has failed due to some unknown error.');
}
