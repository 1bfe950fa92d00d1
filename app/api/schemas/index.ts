// Every API schema in one namespace, for the OpenAPI document (openapi.server.ts); handlers and
// services import the domain file they need.
export * from "./common";
export * from "./events";
export * from "./exhibitors";
export * from "./staff";
export * from "./registrations";
export * from "./stand-bookings";
export * from "./kiosk";
export * from "./print";
export * from "./attendance";
