#!/usr/bin/env python3
"""Checks what template.yaml promises about CloudFront, read with cfn-lint's own YAML
loader (which turns !Ref, !Sub and the other short tags into their long forms):

- the API origin gets the generated origin secret in X-Origin-Verify, and every
  function is told where that secret is;
- the API behaviours forward every viewer header but Host, so CloudFront-Viewer-Address
  too, and copy the viewer's Host for the origin check;
- the site behaviour sends the container's Content-Security-Policy (compared with
  functions/server/src/site.rs) and security headers (crates/backend/src/http/hardening.rs);
- every behaviour compresses;
- the deploy workflow uploads the web app with the container's content types and cache
  headers: the service worker, the manifest and the icons revalidated on every load
  (never kept for a year like the hashed files), the manifest as
  application/manifest+json, and the worker last.

Run by scripts/deploy-checks.sh with the deploy tools' Python: python scripts/template_test.py
"""

import importlib.util
import pathlib
import re
import shlex
import unittest

from cfnlint.decode import cfn_yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load_hash_script():
    spec = importlib.util.spec_from_file_location("site_script_hashes", ROOT / "scripts/site-script-hashes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def container_policy(site_rs):
    """The policy `format!` in site.rs (the literal that starts with default-src), with
    its `\\` line continuations applied."""
    match = re.search(r'format!\(\s*"(default-src(?:[^"\\]|\\.)*)"', site_rs, re.S)
    return re.sub(r"\\\n\s*", "", match.group(1))


def normalise(policy):
    return [" ".join(directive.split()) for directive in policy.split(";")]


def upload_commands():
    """The `aws s3` commands of the deploy workflow's upload step, each split into words."""
    workflow = cfn_yaml.load(str(ROOT / ".github/workflows/deploy.yml"))
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    (upload,) = [step for step in steps if step.get("name", "").startswith("Upload the web app")]
    script = upload["run"].replace("\\\n", " ")
    return [shlex.split(line) for line in script.splitlines() if line.strip().startswith("aws s3 ")]


def flag(command, name):
    return command[command.index(name) + 1] if name in command else None


class Template(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.template = cfn_yaml.load(str(ROOT / "template.yaml"))
        cls.resources = cls.template["Resources"]
        cls.config = cls.resources["Distribution"]["Properties"]["DistributionConfig"]

    def behaviours(self):
        return [self.config["DefaultCacheBehavior"], *self.config["CacheBehaviors"]]

    def api_behaviours(self):
        return [b for b in self.config["CacheBehaviors"] if b["TargetOriginId"] == "api"]

    def test_the_api_origin_sends_the_generated_origin_secret(self):
        (api,) = [o for o in self.config["Origins"] if o["Id"] == "api"]
        headers = {h["HeaderName"]: h["HeaderValue"] for h in api["OriginCustomHeaders"]}
        self.assertEqual(headers["X-Origin-Verify"], {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString}}"})
        secret = self.resources["OriginSecret"]
        self.assertEqual(secret["Type"], "AWS::SecretsManager::Secret")
        self.assertGreaterEqual(secret["Properties"]["GenerateSecretString"]["PasswordLength"], 32)
        variables = self.template["Globals"]["Function"]["Environment"]["Variables"]
        self.assertEqual(variables["ORIGIN_SECRET_SECRET_ARN"], {"Ref": "OriginSecret"})
        policy = self.resources["ReadAppSecretsPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        self.assertIn({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": "OriginSecret"}}, policy)

    def test_the_api_behaviours_forward_the_viewer_address_and_host(self):
        self.assertEqual(len(self.api_behaviours()), 2)
        for behaviour in self.api_behaviours():
            self.assertEqual(behaviour["OriginRequestPolicyId"], {"Ref": "ApiOriginRequestPolicy"}, behaviour["PathPattern"])
            (association,) = behaviour["FunctionAssociations"]
            self.assertEqual(association["EventType"], "viewer-request")
            self.assertEqual(association["FunctionARN"], {"Fn::GetAtt": ["ViewerHostFunction", "FunctionMetadata.FunctionARN"]})
        config = self.resources["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
        # allExcept keeps every viewer header and CloudFront's own (CloudFront-Viewer-Address):
        # only Host is left out, because API Gateway routes on its own host name.
        self.assertEqual(config["HeadersConfig"], {"HeaderBehavior": "allExcept", "Headers": ["Host"]})
        self.assertEqual(config["CookiesConfig"], {"CookieBehavior": "all"})
        self.assertEqual(config["QueryStringsConfig"], {"QueryStringBehavior": "all"})
        self.assertIn("CloudFront-Viewer-Address", config["Comment"])
        code = self.resources["ViewerHostFunction"]["Properties"]["FunctionCode"]
        self.assertIn("request.headers['x-forwarded-host'] = { value: request.headers.host.value }", code)
        lambda_rs = (ROOT / "crates/lambda/src/lib.rs").read_text()
        for header in ["x-origin-verify", "cloudfront-viewer-address", "x-forwarded-host"]:
            self.assertIn(f'"{header}"', lambda_rs)

    def test_the_site_gets_the_containers_content_security_policy(self):
        site = self.config["DefaultCacheBehavior"]
        self.assertEqual(site["ResponseHeadersPolicyId"], {"Ref": "SiteResponseHeadersPolicy"})
        policy = self.resources["SiteResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
        csp = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        self.assertTrue(csp["Override"])
        template_csp = csp["ContentSecurityPolicy"]["Fn::Sub"]

        page = '<script type="module">import init from "/app.js"; init();</script><script src="/x.js"></script>'
        hashes = load_hash_script().script_hashes(page)
        self.assertRegex(hashes, r"^'sha256-[A-Za-z0-9+/]{43}='$")
        pattern = self.template["Parameters"]["SiteScriptHashes"]["AllowedPattern"]
        self.assertRegex(hashes, pattern)
        self.assertRegex(f"{hashes} {hashes}", pattern)

        site_rs = (ROOT / "functions/server/src/site.rs").read_text()
        container_csp = container_policy(site_rs).replace("{hashes}", f" {hashes}")
        self.assertEqual(normalise(template_csp.replace("${SiteScriptHashes}", hashes)), normalise(container_csp))

    def test_the_site_gets_the_containers_other_security_headers(self):
        config = self.resources["SiteResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
        headers = config["SecurityHeadersConfig"]
        for name in ["ContentTypeOptions", "FrameOptions", "ReferrerPolicy", "StrictTransportSecurity"]:
            self.assertTrue(headers[name]["Override"], name)
        hsts = headers["StrictTransportSecurity"]
        sent = {
            "X_CONTENT_TYPE_OPTIONS": "nosniff",
            "REFERRER_POLICY": headers["ReferrerPolicy"]["ReferrerPolicy"],
            "X_FRAME_OPTIONS": headers["FrameOptions"]["FrameOption"],
            "STRICT_TRANSPORT_SECURITY": "max-age=%d%s"
            % (hsts["AccessControlMaxAgeSec"], "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""),
        }
        hardening = (ROOT / "crates/backend/src/http/hardening.rs").read_text()
        for header, value in sent.items():
            match = re.search(header + r',\s*HeaderValue::from_static\("([^"]*)"\)', hardening)
            self.assertIsNotNone(match, header)
            self.assertEqual(value, match.group(1), header)

    def test_every_behaviour_compresses(self):
        self.assertEqual(len(self.behaviours()), 3)
        for behaviour in self.behaviours():
            self.assertIs(behaviour.get("Compress"), True, behaviour.get("PathPattern", "default"))


    def test_the_upload_sends_the_worker_and_manifest_as_the_container_does(self):
        commands = upload_commands()
        copies = {pathlib.PurePath(c[3]).name: c for c in commands if c[2] == "cp"}
        manifest = copies["manifest.webmanifest"]
        self.assertEqual(flag(manifest, "--content-type"), "application/manifest+json")
        self.assertEqual(flag(manifest, "--cache-control"), "no-cache")
        worker = copies["sw.js"]
        self.assertEqual(flag(worker, "--content-type"), "text/javascript")
        self.assertEqual(flag(worker, "--cache-control"), "no-cache")
        self.assertIs(commands[-1], worker, "the worker is uploaded last, after the shell it names")
        (icons,) = [c for c in commands if c[2] == "sync" and c[3].endswith("/icons")]
        self.assertEqual(flag(icons, "--content-type"), "image/png")
        self.assertEqual(flag(icons, "--cache-control"), "no-cache")
        # The year-long sync must leave out every file whose name is not a hash.
        for command in commands:
            if flag(command, "--cache-control") == "public, max-age=31536000, immutable" and "--include" not in command:
                excluded = [command[i + 1] for i, word in enumerate(command) if word == "--exclude"]
                for name in ["index.html", "sw.js", "manifest.webmanifest", "icons/*"]:
                    self.assertIn(name, excluded)


if __name__ == "__main__":
    unittest.main(verbosity=2)
