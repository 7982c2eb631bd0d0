// One import gives a client everything it needs: the connection (BizingRPC),
// the message types and descriptors (BizingAPI) and statuses (BizingWire).
@_exported public import BizingAPI
@_exported public import BizingRPC
@_exported public import BizingWire
