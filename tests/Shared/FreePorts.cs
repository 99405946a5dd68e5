using System.Net;
using System.Net.Sockets;

namespace Tessera.Testing;

/// <summary>A loopback port free at the moment of asking, for the servers the tests start as child processes.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
