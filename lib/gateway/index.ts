export {
  buildCreateBody,
  type CreateBodyInput,
  type CreateMedia,
  type CreateParameters,
  type CreateVideoBody,
  createGatewayClient,
  type GatewayBodyStyle,
  type GatewayClient,
  type GatewayClientOptions,
  gatewayBodyStyles,
  styleCreateBody,
} from "./client";
export {
  classifyFailure,
  describeFailure,
  GatewayError,
  type GatewayErrorCode,
  gatewayErrorCodes,
  isGatewayError,
  PROVIDER_SATURATED_MESSAGE,
} from "./errors";
export { liftProviderError, type ReadFailure, readFailure } from "./failure";
export { type GatewayStatus, type GatewayVideo, mapStatus, toGatewayVideo } from "./schemas";
