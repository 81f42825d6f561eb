"""The load mix for `bench/load.py`: owners registering and checking their status, officers on the
dashboard, the command centre reading the API. Run through bench/load.py, which prepares the data,
starts gunicorn and passes these environment variables:

LOAD_PREMISES_IDS "first,last" · LOAD_SECRETS_FILE (status links, one per line)
LOAD_OFFICER "username:password" · LOAD_API_TOKEN · LOAD_ROAD_IDS / LOAD_KELURAHAN_IDS "1,2,3"

The server runs with production settings behind a (pretend) TLS proxy: every request says
X-Forwarded-Proto: https, so cookies are Secure; the client keeps them itself, as a browser
on https would.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

FIRST, LAST = (int(n) for n in os.environ["LOAD_PREMISES_IDS"].split(","))
SECRETS = open(os.environ["LOAD_SECRETS_FILE"]).read().split()
OFFICER, PASSWORD = os.environ["LOAD_OFFICER"].split(":", 1)
TOKEN = os.environ["LOAD_API_TOKEN"]
ROADS = os.environ["LOAD_ROAD_IDS"].split(",")
KELURAHAN = os.environ["LOAD_KELURAHAN_IDS"].split(",")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMBERS = itertools.count(1)


class Browser(HttpUser):
    """A browser behind TLS: sends the proxy's header and its own cookies (Secure ones included)."""

    abstract = True

    def on_start(self):
        self.jar = {}

    def _headers(self, extra=None):
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "id"}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        return {**headers, **(extra or {})}

    def _keep(self, response):
        self.jar.update(response.cookies.get_dict())
        return response

    def get(self, path, name=None):
        return self._keep(self.client.get(path, headers=self._headers(), name=name, allow_redirects=False))

    def post(self, path, data, name=None):
        referer = {"Referer": f"https://{self.host.split('://', 1)[1]}{path}"}
        return self._keep(
            self.client.post(path, data=data, headers=self._headers(referer), name=name, allow_redirects=False)
        )


class Owner(Browser):
    """Registers a building with two cameras on a phone, then looks at the status page."""

    weight = 1
    wait_time = between(2, 5)

    @task
    def register(self):
        form = self.get("/register/", name="GET /register/")
        token = CSRF.search(form.text).group(1)
        n = next(NUMBERS)
        data = {
            "csrfmiddlewaretoken": token,
            "premises-name": f"Toko Beban {os.getpid()}-{n}",
            "premises-category": "ruko",
            "premises-ownership": "private",
            "premises-nib": f"{random.randrange(10**12, 10**13)}",
            "premises-road": random.choice(ROADS),
            "premises-address": f"Jl. Uji Beban No. {n}",
            "premises-kelurahan": random.choice(KELURAHAN),
            "premises-latitude": "0.137",
            "premises-longitude": "117.499",
            "person-name": "Pemilik Uji",
            "person-role": "Pemilik",
            "person-phone": "0812-3456-7890",
            "consent-consent": "on",
            "cameras-TOTAL_FORMS": "2",
            "cameras-INITIAL_FORMS": "0",
            "cameras-MIN_NUM_FORMS": "0",
            "cameras-MAX_NUM_FORMS": "50",
        }
        for i in range(2):
            data.update(
                {
                    f"cameras-{i}-label": f"Kamera {i}",
                    f"cameras-{i}-brand": "Hikvision",
                    f"cameras-{i}-model": "DS-2DE4425IW-DE",
                    f"cameras-{i}-camera_type": "ptz",
                    f"cameras-{i}-faces_road": "on",
                    f"cameras-{i}-pan_range_deg": "360",
                    f"cameras-{i}-hfov_wide_deg": "57.6",
                    f"cameras-{i}-optical_zoom": "25",
                    f"cameras-{i}-resolution_h_px": "2560",
                    f"cameras-{i}-resolution_v_px": "1440",
                    f"cameras-{i}-night_vision": "on",
                    f"cameras-{i}-retention_days": "30",
                    f"cameras-{i}-onvif_profiles": "S",
                    f"cameras-{i}-rtsp_url": "rtsp://10.0.0.2:554/s",
                }
            )
        with self.client.post(
            "/register/",
            data=data,
            headers=self._headers({"Referer": f"https://{self.host.split('://', 1)[1]}/register/"}),
            name="POST /register/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep(response)
            if response.status_code != 302:
                response.failure(f"registration not accepted: HTTP {response.status_code}")
                return
        done = self.get("/register/done/", name="GET /register/done/")
        link = re.search(r"/status/([A-Za-z0-9_-]+)/", done.text)
        if link:
            self.get(f"/status/{link.group(1)}/", name="GET /status/[secret]/")


class OwnerChecking(Browser):
    """An owner opening the status link from the e-mail."""

    weight = 3
    wait_time = between(1, 3)

    @task
    def status(self):
        self.get(f"/status/{random.choice(SECRETS)}/", name="GET /status/[secret]/")


class Officer(Browser):
    """An officer working through the dashboard."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        page = self.get("/admin/login/", name="GET /admin/login/")
        token = CSRF.search(page.text).group(1)
        response = self.post(
            "/admin/login/?next=/dashboard/",
            {"csrfmiddlewaretoken": token, "username": OFFICER, "password": PASSWORD},
            name="POST /admin/login/",
        )
        assert response.status_code == 302, f"officer login failed: HTTP {response.status_code}"

    @task(3)
    def overview(self):
        self.get("/dashboard/", name="GET /dashboard/")

    @task(4)
    def premises_list(self):
        page = random.randint(1, 2000)
        self.get(f"/dashboard/premises/?page={page}", name="GET /dashboard/premises/?page=N")

    @task(2)
    def not_compliant(self):
        self.get("/dashboard/premises/?compliance=non_compliant", name="GET /dashboard/premises/?compliance=…")

    @task(3)
    def premises_detail(self):
        self.get(f"/dashboard/premises/{random.randint(FIRST, LAST)}/", name="GET /dashboard/premises/[id]/")

    @task(2)
    def flag_queue(self):
        self.get("/dashboard/flags/", name="GET /dashboard/flags/")


class CommandCentre(HttpUser):
    """The command centre's system polling the API with its token."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers.update({"Authorization": f"Token {TOKEN}", "X-Forwarded-Proto": "https"})

    @task(3)
    def premises_page(self):
        self.client.get(f"/api/v1/premises/?page={random.randint(1, 1000)}", name="GET /api/v1/premises/?page=N")

    @task(3)
    def premises_detail(self):
        self.client.get(f"/api/v1/premises/{random.randint(FIRST, LAST)}/", name="GET /api/v1/premises/[id]/")

    @task(2)
    def open_flags(self):
        self.client.get("/api/v1/flags/", name="GET /api/v1/flags/")

    @task(1)
    def cameras(self):
        self.client.get(f"/api/v1/cameras/?page={random.randint(1, 3000)}", name="GET /api/v1/cameras/?page=N")
