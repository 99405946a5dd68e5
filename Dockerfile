# Tessera in a container: build with the .NET SDK (and npm, for the viewer's OpenSeadragon), run on the ASP.NET runtime
# with libopenjp2 for JPEG 2000. Configuration by environment variables (Tessera__*, see README). Runs as a non-root
# user and writes only to /cache and /tmp, so it runs with a read-only root file system:
#   docker build -t tessera .
#   docker run --read-only --tmpfs /tmp -v /data/images:/images:ro -v tessera-cache:/cache -p 8182:8182 tessera
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm install --prefix .tessera/node --no-audit --no-fund --silent openseadragon@6.1.1 \
 && dotnet publish src/Tessera.Server/Tessera.Server.csproj -c Release -r linux-x64 --self-contained false -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim
# libopenjp2-7: JPEG 2000 sources; curl: the health check.
RUN apt-get update && apt-get install -y --no-install-recommends libopenjp2-7 curl && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /images /cache && chown app:app /cache
COPY --from=build /app /app
WORKDIR /app
USER app
ENV Tessera__Host=0.0.0.0 \
    Tessera__Port=8182 \
    Tessera__Roots__0=/images \
    Tessera__DerivativeCache__Directory=/cache/derivatives \
    Tessera__SourceCache__Directory=/cache/sources \
    Tessera__Viewer__Enabled=false \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true \
    DOTNET_gcServer=1
VOLUME ["/cache"]
EXPOSE 8182
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:8182/health/live || exit 1
ENTRYPOINT ["dotnet", "Tessera.Server.dll", "serve"]
