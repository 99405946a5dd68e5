namespace Tessera.Server.Http;

public static class Responses
{
    /// <summary>A one-line plain-text error. Nothing is written once the response has started.</summary>
    public static async Task WriteErrorAsync(HttpContext context, int status, string reason)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var options = context.RequestServices.GetRequiredService<Tessera.Configuration.TesseraOptions>();
        // Client errors may be kept briefly (a missing image may appear); server errors are transient, never kept.
        context.Response.Headers.CacheControl = status is >= 400 and < 500 ? options.CacheControl.Errors : "no-store";
        if (status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = options.Admission.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        CorsMiddleware.Apply(context);
        var line = reason.ReplaceLineEndings(" ") + "\n";
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(line);
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.WriteAsync(line, context.RequestAborted);
    }
}
