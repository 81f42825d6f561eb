"""Feed probes at city scale (run by hand): 10,000 cameras probed against a fleet of local RTSP
responders, on loopback only.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench   # after bench/generate.py
    .venv/bin/python bench/feeds.py [--cameras 10000] [--responders 2000] [--concurrency 500]

A second process listens on `--responders` ports of 127.0.0.1 and answers OPTIONS and DESCRIBE
(with a small H.264 SDP) on every connection; every fifth camera's port answers 401. This
process probes `--cameras` addresses spread over those ports with feeds.run.probe_all (the
production code: guard, resolve, OPTIONS, DESCRIBE, SDP), then stores the results for as many
cameras of the bench database with feeds.run.store. Printed: the probe time, the store time, and
the floor: the same connections opened, one request written and one answer read, with nothing
else (no guard, no parsing, no second request), in the same run.
"""

import argparse
import asyncio
import multiprocessing
import time

import _setup  # noqa: F401
from django.db import connection
from django.utils import timezone

from feeds.run import probe_all, store
from registry.models import Camera, FeedProbe

SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=bench\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
    "a=rtpmap:96 H264/90000\r\na=framesize:96 1920-1080\r\n"
)


def responders(first_port, count, ready):
    async def answer(reader, writer, deny):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                cseq = head.split(b"CSeq: ", 1)[1].split(b"\r\n", 1)[0].decode()
                if deny:
                    writer.write(f"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\n\r\n".encode())
                elif head.startswith(b"DESCRIBE"):
                    body = SDP.encode()
                    writer.write(
                        f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Type: application/sdp\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                else:
                    writer.write(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def main():
        for i in range(count):
            port = first_port + i
            await asyncio.start_server(lambda r, w, d=(i % 5 == 4): answer(r, w, d), "127.0.0.1", port, backlog=512)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


async def floor(targets, concurrency):
    """The same connections with the least work: connect, write OPTIONS, read the answer, close."""
    gate = asyncio.Semaphore(concurrency)

    async def one(port):
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\n\r\n")
            await reader.readuntil(b"\r\n\r\n")
            writer.close()

    await asyncio.gather(*(one(port) for port in targets))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=10_000)
    parser.add_argument("--responders", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--first-port", type=int, default=40_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=responders, args=(args.first_port, args.responders, ready), daemon=True)
    server.start()
    ready.wait(60)
    ports = [args.first_port + i % args.responders for i in range(args.cameras)]
    ids = list(Camera.objects.order_by("pk").values_list("pk", flat=True)[: args.cameras])
    targets = [(pk, f"rtsp://127.0.0.1:{port}/cam{pk}", "") for pk, port in zip(ids, ports, strict=False)]
    print(f"{len(targets)} cameras over {args.responders} responders, at most {args.concurrency} at once")

    started = time.perf_counter()
    results = asyncio.run(probe_all(targets, networks=["127.0.0.0/8"], timeout=5, concurrency=args.concurrency))
    probe_time = time.perf_counter() - started
    outcomes = {}
    for r in results.values():
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    print(f"{'probe (guard, OPTIONS, DESCRIBE, SDP)':<44} {probe_time:7.2f} s  {outcomes}")

    started = time.perf_counter()
    store(results, timezone.now())
    store_time = time.perf_counter() - started
    print(f"{'store (probe rows, camera status)':<44} {store_time:7.2f} s")
    FeedProbe.objects.filter(camera_id__in=ids).delete()

    started = time.perf_counter()
    asyncio.run(floor([port for port in ports[: len(targets)]], args.concurrency))
    floor_time = time.perf_counter() - started
    print(f"{'floor: connect, one request, one answer':<44} {floor_time:7.2f} s")
    total = probe_time + store_time
    print(f"\n{len(targets)} cameras in {total:.1f} s (target 60 s); probe / floor: {probe_time / floor_time:.1f}x")
    server.terminate()


if __name__ == "__main__":
    main()
