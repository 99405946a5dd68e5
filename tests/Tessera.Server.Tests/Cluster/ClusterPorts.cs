using System.Net.Sockets;

namespace Tessera.Server.Tests.Cluster;

internal static class ClusterPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
