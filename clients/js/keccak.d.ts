export declare function keccak256(input: Uint8Array | string): Uint8Array;
export declare function keccak256Hex(input: Uint8Array | string): string;
export declare function toHex(bytes: Uint8Array): string;
export declare function fromHex(hex: string): Uint8Array;
