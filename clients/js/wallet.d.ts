export interface TypedField { name: string; type: string }
export interface Eip712Domain { name?: string; version?: string; chainId?: number | string; verifyingContract?: string; salt?: string }
export interface BasicData {
  webSocketUrl: string;
  domain: Eip712Domain;
  domainSeparator: string;
  types: Record<string, TypedField[]>;
  tokens: { symbol: string; decimals: number; domainSeparator: string }[];
}

/** An EIP-1193 provider (window.ethereum and the like). */
export interface Eip1193Provider { request(args: { method: string; params?: unknown[] }): Promise<any> }
/** What an ethers v6 Signer offers for EIP-712. */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(domain: Eip712Domain, types: Record<string, TypedField[]>, message: Record<string, unknown>): Promise<string>;
}

export declare function walletSigner(source: Eip1193Provider | TypedDataSigner, address?: string): TypedDataSigner;
export declare function signGatewayMessage(signer: Eip1193Provider | TypedDataSigner,
  basicData: Pick<BasicData, 'domain' | 'types'>, type: string, payload: Record<string, unknown>,
  options?: { address?: string; now?: number; deadline?: number; ttlSeconds?: number }): Promise<string>;
export declare function fetchBasicData(baseUrl: string): Promise<BasicData>;
export declare function payloadHash(payloadJson: string): string;
export declare function domainType(domain: Eip712Domain): TypedField[];
export declare function domainSeparator(domain: Eip712Domain): string;
export declare function typedDataHash(domain: Eip712Domain, types: Record<string, TypedField[]>, message: Record<string, unknown>): string;
export declare function hashStruct(name: string, fields: TypedField[], message: Record<string, unknown>): Uint8Array;
export declare function splitSignature(signatureHex: string): { v: number; r: string; s: string };

export interface GatewayFrame { type: string; payload: Record<string, any> }

export declare class WalletClient {
  constructor(options: { basicData: BasicData; signer: Eip1193Provider | TypedDataSigner; address?: string;
    WebSocket?: { new (url: string): WebSocket }; url?: string });
  open(): Promise<void>;
  /** Signs and sends; resolves with the answer of the same requestId, rejects on ERROR (error.errorCode). */
  request(type: string, payload: Record<string, unknown>): Promise<GatewayFrame>;
  on(type: 'TRANSFER' | 'BALANCE_UPDATE' | 'close' | string, handler: (payload: any, frame?: GatewayFrame) => void): () => void;
  close(): void;
}
