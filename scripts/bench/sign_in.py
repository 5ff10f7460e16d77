#!/usr/bin/env python3
"""Signs a user in through the hosted UI (the local Cognito stand-in) the way
a browser does, and prints the app's session cookie as `name=value`.

    scripts/bench/sign_in.py APP_URL EMAIL PASSWORD

For load runs (wrk) that need a signed-in session: the same OAuth flow the
app always uses, no shortcut.
"""
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    app, email, password = sys.argv[1:4]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )

    def fetch(url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = opener.open(urllib.request.Request(url, data=body))
        except urllib.error.HTTPError as redirect:  # 3xx arrive as errors here
            response = redirect
        return response.status, response.headers.get("Location"), response.read().decode()

    _, authorize, _ = fetch(f"{app}/auth/login?return_to=/")
    idp = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(authorize))
    _, form_path, _ = fetch(authorize)
    form_url = urllib.parse.urljoin(idp, form_path)
    _, _, page = fetch(form_url)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    fields = urllib.parse.parse_qsl(urllib.parse.urlsplit(form_url).query)
    fields += [("_csrf", csrf), ("username", email), ("password", password)]
    status, callback, body = fetch(f"{idp}/login", fields)
    if status != 302:
        sys.exit(f"sign-in refused ({status}): {body[:200]}")
    fetch(callback)
    app_host = urllib.parse.urlsplit(app).hostname
    for cookie in jar:
        if cookie.domain.lstrip(".") == app_host and "session" in cookie.name:
            print(f"{cookie.name}={cookie.value}")
            return
    sys.exit("no session cookie after the callback")


if __name__ == "__main__":
    main()
