using Tessera.Iiif;

namespace Tessera.Server.Http;

/// <summary>
/// Turns every failure into a plain-text response with a status and a one-line reason: IIIF errors
/// keep theirs; anything unexpected is a 500 that says so (details go to the log, never to the client).
/// </summary>
public sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (IiifException e)
        {
            await Responses.WriteErrorAsync(context, e.Error.Status, e.Error.Reason);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            LogUnexpected(e, context.Request.Path);
            await Responses.WriteErrorAsync(context, 500,
                $"internal error ({e.GetType().Name}) while answering this request; the server log has the details (trace {context.TraceIdentifier})");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "unexpected failure answering {Path}")]
    private partial void LogUnexpected(Exception e, string path);
}
