"""dk2 as an HTTP interactions endpoint (`python -m bot serve`): a second shell over the core.

Discord POSTs each interaction to `POST /interactions`; the answer goes back in the response
body. The same core calls and the same embed renderer as the gateway cog produce it, so the
two modes answer alike. No gateway connection and no state worth keeping in the process: any
number of identical processes can run behind a load balancer.
"""
