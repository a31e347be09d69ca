"""Issues one badge through the API before the fuzz run, so the badge routes (and the status
lists it is listed in) are fuzzed against a record that exists. Prints the badge's UUID.

Usage: python3 seed.py BASE_URL TOKEN
"""

import json
import sys
import urllib.request

base, token = sys.argv[1], sys.argv[2]
completion = {
    "provider_reference": "API-FUZZ-0001",
    "provider": "10007795",
    "specification": "CS-OPF",
    "specification_version": "1.0",
    "route": "within_msc",
    "completed_on": "2024-07-12",
    "practitioner": {
        "given_name": "Amira",
        "family_name": "Okafor",
        "email": "amira.okafor@example.nhs.uk",
        "registration": {"regulator": "NMC", "number": "99A9001E"},
    },
}
request = urllib.request.Request(
    base + "/api/v1/completions",
    data=json.dumps(completion).encode(),
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=30) as response:
    answer = json.load(response)
print(answer["badge_id"].removeprefix("urn:uuid:"))
