import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Puts TLS in front of a connection with whatever context `ReloadingTLSContext` holds when the connection
/// is accepted. (Hummingbird's own TLS channel fixes its context at start.)
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let tls: ReloadingTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadingTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS when the server is given a certificate.
    public static func http1(tls: ReloadingTLSContext?) -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        return HTTPServerBuilder { responder in ReloadingTLSChannel(base: HTTP1Channel(responder: responder), tls: tls) }
    }
}
