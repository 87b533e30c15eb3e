export {
  buildCreateBody,
  type CreateVideoBody,
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
} from "./client";
export {
  classifyFailure,
  describeFailure,
  GatewayError,
  type GatewayErrorCode,
  gatewayErrorCodes,
  isGatewayError,
} from "./errors";
export { type GatewayStatus, type GatewayVideo, mapStatus, toGatewayVideo } from "./schemas";
