// ethers v6 baseline of scripts/bench (wallet): verifications per second on one thread of what the
// gateway verifies per message: keccak256 of the payload text, then verifyTypedData of the EIP-712
// GatewayMessage (digest + ecrecover) and the address comparison. Prints one JSON result.
const { ethers } = require('ethers');

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 5);
const domain = { name: 'WalletGateway', version: '1', chainId: 31337 };
const types = { GatewayMessage: [{ name: 'type', type: 'string' }, { name: 'callerAddress', type: 'address' },
  { name: 'deadline', type: 'uint256' }, { name: 'payloadHash', type: 'bytes32' }] };

async function main() {
  const wallet = ethers.Wallet.createRandom();
  const deadline = Math.floor(Date.now() / 1000) + 600;
  const signed = [];
  for (let i = 0; i < 200; i++) {
    const payload = JSON.stringify({ requestId: `r-${i}`, domainSeparators: ['0x' + '11'.repeat(32)] });
    const message = { type: 'GET_BALANCE', callerAddress: wallet.address, deadline,
      payloadHash: ethers.keccak256(ethers.toUtf8Bytes(payload)) };
    signed.push({ payload, signature: await wallet.signTypedData(domain, types, message) });
  }
  const verify = (m) => {
    const message = { type: 'GET_BALANCE', callerAddress: wallet.address, deadline,
      payloadHash: ethers.keccak256(ethers.toUtf8Bytes(m.payload)) };
    if (ethers.verifyTypedData(domain, types, message, m.signature) !== wallet.address) {
      throw new Error('signature did not verify');
    }
  };
  const warmupEnd = Date.now() + 1000;
  for (let i = 0; Date.now() < warmupEnd; i++) verify(signed[i % signed.length]);
  let n = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    for (let k = 0; k < 20; k++, n++) verify(signed[n % signed.length]);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({
    scenario: 'wallet', target: 'ethers', label: `ethers ${ethers.version} verifyTypedData (Node ${process.version}, 1 thread)`,
    method: 'keccak256(payload) + verifyTypedData + address compare, warm loop',
    verifications: n, seconds: Math.round(elapsed * 100) / 100,
    verificationsPerSecond: Math.round(n / elapsed),
    usPerVerification: Math.round((elapsed * 1e6 / n) * 100) / 100,
    cpuUsPerVerification: Math.round(((cpu.user + cpu.system) / n) * 100) / 100,
  }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
